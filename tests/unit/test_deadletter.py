from __future__ import annotations

import base64

import pytest

from sitrep import schemas
from sitrep.deadletter import InvalidMessage, InvalidRun, TooManyInvalid, dead_letter


def test_dead_letter_keeps_bytes_and_origin_and_fits_its_schema():
    err = InvalidMessage("invalid_json", "unexpected byte")
    text_letter = dead_letter(b"{oops", err, service="processor", topic="raw.articles", partition=2, offset=7,
                              key=b"k1")
    assert text_letter["payload"] == "{oops" and text_letter["payload_encoding"] == "utf-8"
    assert text_letter["origin"] == {"topic": "raw.articles", "partition": 2, "offset": 7}
    schemas.check("deadletter", text_letter)
    binary = dead_letter(b"\xff\x00", err, service="storage", topic="events", partition=0, offset=1)
    assert binary["payload_encoding"] == "base64"
    assert base64.b64decode(binary["payload"]) == b"\xff\x00"
    schemas.check("deadletter", binary)


def test_invalid_run_stops_only_after_a_run_of_invalid_messages():
    run = InvalidRun(limit=3)
    run.invalid("a")
    run.invalid("a")
    run.ok()  # a valid message resets the run
    run.invalid("a")
    run.invalid("a")
    with pytest.raises(TooManyInvalid, match="3 invalid messages in a row"):
        run.invalid("b")


def test_the_invalid_run_counts_per_partition():
    run = InvalidRun(limit=3)
    run.invalid("schema", ("raw", 0))
    run.invalid("schema", ("raw", 0))
    run.ok(("raw", 1))  # good input on another partition does not hide partition 0's run
    with pytest.raises(TooManyInvalid, match=r"on \('raw', 0\)"):
        run.invalid("schema", ("raw", 0))
