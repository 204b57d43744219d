"""The wire contract: one JSON Schema per topic (``schemas/``), checked where a message is consumed."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import orjson
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from sitrep.deadletter import InvalidMessage
from sitrep.paths import project_root
from sitrep.topics import Topic

SCHEMA_DIR = project_root() / "schemas"


@cache
def _registry() -> Registry:
    resources = []
    for path in SCHEMA_DIR.glob("*.schema.json"):
        schema = orjson.loads(path.read_bytes())
        resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources)


@cache
def load_schema(name: str) -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads((SCHEMA_DIR / f"{name}.schema.json").read_bytes())
    return data


@cache
def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(load_schema(name), registry=_registry())


def schema_files() -> list[Path]:
    return sorted(SCHEMA_DIR.glob("*.schema.json"))


def check(schema_name: str, record: Any) -> None:
    """Raise InvalidMessage('schema', ...) naming the first failing field, or return."""
    if not isinstance(record, dict):
        raise InvalidMessage("schema", f"expected a JSON object, got {type(record).__name__}")
    error = next(iter(sorted(validator(schema_name).iter_errors(record), key=lambda e: list(e.path))), None)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        raise InvalidMessage("schema", f"{schema_name}: {where}: {error.message[:300]}")


def decode(topic: Topic, value: bytes | None) -> dict[str, Any]:
    """Bytes off ``topic`` -> a record that satisfies the topic's schema, or InvalidMessage."""
    if value is None:
        raise InvalidMessage("empty", "message has no value")
    try:
        record = orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        reason = "invalid_utf8" if "utf-8" in str(exc).lower() else "invalid_json"
        raise InvalidMessage(reason, str(exc)[:300]) from None
    check(topic.schema_name, record)
    return record  # type: ignore[no-any-return]


def encode(record: dict[str, Any]) -> bytes:
    return orjson.dumps(record)
