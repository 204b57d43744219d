"""The store reads the page needs beyond the event query: one document's text, events per day by type, and what
changed since a cursor. Read-only SQL with ``?`` placeholders, through the store's own connection."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypedDict

import orjson

from sitrep.storage import query as q
from sitrep.storage.formats import flat
from sitrep.storage.sql_store import SqlStore

# a change is looked for again this long before the cursor: a writer's transaction may commit after another's
# later timestamp was already seen; the page merges repeats by event id and version
OVERLAP = timedelta(seconds=5)


class Document(TypedDict):
    id: str
    kind: str
    source: str
    url: str | None
    published_at: str
    title: str | None
    text: str
    parent_id: str | None
    raw_id: str


class Changes(TypedDict):
    now: str
    cursor: str | None
    events: list[dict[str, Any]]  # latest record of each, with "stored_at" added


def document(store: SqlStore, doc_id: str) -> Document | None:
    row = store.execute(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = ?", (doc_id,)).fetchone()
    return _document(row) if row is not None else None


_DOC_COLUMNS = "id, kind, source, url, published_at, title, text, parent_id, raw_id"


def _document(row: Any) -> Document:
    return Document(
        id=row[0],
        kind=row[1],
        source=row[2],
        url=row[3],
        published_at=row[4],
        title=row[5],
        text=row[6],
        parent_id=row[7],
        raw_id=row[8],
    )


def source_documents(store: SqlStore, event: dict[str, Any]) -> list[Document]:
    """The stored documents an event cites: its sources, and any document its evidence names by id or raw id."""
    wanted = list(
        dict.fromkeys(
            [*(event.get("source_doc_ids") or []), *(str(e.get("doc_id")) for e in event.get("evidence") or [])]
        )
    )
    if not wanted:
        return []
    marks = ", ".join("?" * len(wanted))
    rows = store.execute(
        f"SELECT {_DOC_COLUMNS} FROM documents WHERE id IN ({marks}) OR raw_id IN ({marks}) ORDER BY published_at, id",
        [*wanted, *wanted],
    ).fetchall()
    return [_document(r) for r in rows]


def timeline(store: SqlStore, query: q.EventQuery) -> list[dict[str, Any]]:
    """[{date, counts: {event_type: n}}] by day, oldest first, over every matching event (no limit)."""
    days: dict[str, dict[str, int]] = {}
    if query.near:  # the radius is exact only in Python: count the records
        records = store.query_events(replace(query, limit=q.MAX_LIMIT))
        for r in records:
            counts = days.setdefault(r["event_date"], {})
            counts[r["event_type"]] = counts.get(r["event_type"], 0) + 1
    else:
        sql, params = q.build_timeline_sql(query)
        for day, event_type, n in store.execute(sql, params).fetchall():
            days.setdefault(str(day), {})[str(event_type)] = int(n)
    return [{"date": day, "counts": days[day]} for day in sorted(days)]


def flat_rows(store: SqlStore, query: q.EventQuery) -> list[dict[str, Any]]:
    """The matching events as formats.flat() rows, read from the columns (no JSON record decoded): the map's load.
    A radius query needs the records (its exact test reads the location), so it takes the record path."""
    if query.near:
        return [flat(r) for r in store.query_events(query)]
    sql, params = q.build_sql(query, "flat")
    return [dict(zip(q.FLAT_COLUMNS, row, strict=True)) for row in store.execute(sql, params).fetchall()]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _before(cursor: str, delta: timedelta) -> str:
    try:
        return _iso(datetime.fromisoformat(cursor.replace("Z", "+00:00")) - delta)
    except ValueError:
        return cursor  # not a time storage wrote: compare as given (parse_query already checked its shape)


def changes(store: SqlStore, query: q.EventQuery) -> Changes:
    """Events stored after ``query.updated_after`` (none without one: the answer is then only the cursor to start
    from). The new cursor is read before the events, so a change committed in between comes again next time."""
    cursor = store.execute(q.latest_update_sql()).fetchone()[0]
    now = _iso(datetime.now(UTC))
    if query.updated_after is None:
        return Changes(now=now, cursor=cursor, events=[])
    look_from = replace(query, updated_after=_before(query.updated_after, OVERLAP), limit=q.MAX_LIMIT)
    sql, params = q.build_sql(look_from, "record+updated")
    events = []
    for record, stored_at in store.execute(sql, params).fetchall():
        event = orjson.loads(record)
        event["stored_at"] = stored_at
        events.append(event)
    return Changes(now=now, cursor=cursor or query.updated_after, events=q.finish(look_from, events))
