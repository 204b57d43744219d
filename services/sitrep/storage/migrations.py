"""Versioned schema migrations, one list for every backend. Append, never edit: a deployed database has applied the
earlier ones. A migration whose SQL differs by dialect says so; otherwise one statement list serves both."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Dialect = Literal["sqlite", "postgres"]


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    common: tuple[str, ...] = ()
    # per-dialect statements run before the common ones (a dialect missing here runs only ``common``)
    by_dialect: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def statements(self, dialect: Dialect) -> tuple[str, ...]:
        return (*self.by_dialect.get(dialect, ()), *self.common)


def _core_tables(real: str) -> tuple[str, ...]:
    # SQLite's REAL is a double; PostgreSQL's REAL is a 4-byte float that would blur coordinates, hence ``real``.
    return (
        """CREATE TABLE documents (
            id TEXT PRIMARY KEY, raw_id TEXT NOT NULL, parent_id TEXT, kind TEXT NOT NULL, source TEXT NOT NULL,
            url TEXT, published_at TEXT NOT NULL, title TEXT, text TEXT NOT NULL, stored_at TEXT NOT NULL)""",
        f"""CREATE TABLE verdicts (
            doc_id TEXT NOT NULL, verdict TEXT NOT NULL, duplicate_of TEXT NOT NULL DEFAULT '',
            similarity {real}, decided_at TEXT, PRIMARY KEY (doc_id, verdict, duplicate_of))""",
        """CREATE TABLE event_versions (
            event_id TEXT NOT NULL, version INTEGER NOT NULL, record TEXT NOT NULL, stored_at TEXT NOT NULL,
            PRIMARY KEY (event_id, version))""",
        f"""CREATE TABLE events (
            event_id TEXT PRIMARY KEY, version INTEGER NOT NULL, event_type TEXT NOT NULL,
            sub_event_type TEXT NOT NULL, event_date TEXT NOT NULL, time_precision INTEGER NOT NULL,
            place TEXT NOT NULL, country TEXT NOT NULL, admin1 TEXT, lat {real}, lon {real},
            geo_precision INTEGER NOT NULL, actor1 TEXT, actor2 TEXT, fatalities INTEGER, confidence {real} NOT NULL,
            published_at TEXT, record TEXT NOT NULL, updated_at TEXT NOT NULL)""",
        "CREATE INDEX events_date ON events (event_date)",
        "CREATE INDEX events_sub_type ON events (sub_event_type)",
        "CREATE INDEX events_country ON events (country)",
    )


def _source_counts(field_sql: str, reports_sql: str) -> tuple[str, ...]:
    """Add the count columns and fill them from the stored JSON. An event stored before sources existed counts
    each extracted report as its own independent source, as the merge does when it next sees the event."""
    counts = ", ".join(f"{name} = coalesce({field_sql.format(name)}, {reports_sql})"
                       for name in ("n_sources", "n_independent_sources"))
    return (
        "ALTER TABLE events ADD COLUMN n_sources INTEGER",
        "ALTER TABLE events ADD COLUMN n_independent_sources INTEGER",
        f"UPDATE events SET {counts}",
    )


MIGRATIONS: list[Migration] = [
    Migration(1, "documents, verdicts, events and their versions",
              by_dialect={"sqlite": _core_tables("REAL"), "postgres": _core_tables("DOUBLE PRECISION")}),
    Migration(2, "indexes for the query filters (location box, fatalities)", common=(
        "CREATE INDEX events_lat_lon ON events (lat, lon)",
        "CREATE INDEX events_fatalities ON events (fatalities)",
    )),
    Migration(3, "source counts as columns, for the --min-independent-sources filter (the sources stay in the JSON)",
              by_dialect={"sqlite": _source_counts("json_extract(record, '$.{}')",
                                                   "json_array_length(record, '$.source_doc_ids')"),
                          "postgres": _source_counts("(record::jsonb->>'{}')::integer",
                                                     "jsonb_array_length(record::jsonb->'source_doc_ids')")},
              common=("CREATE INDEX events_independent_sources ON events (n_independent_sources)",)),
]

LATEST = max(m.version for m in MIGRATIONS)


def pending(migrations: list[Migration], applied: set[int]) -> list[Migration]:
    """The migrations not yet applied, in version order."""
    return sorted((m for m in migrations if m.version not in applied), key=lambda m: m.version)


def check_order(migrations: list[Migration]) -> None:
    """Versions must be unique and ascending: a reordered list would apply DDL out of sequence on a fresh database."""
    versions = [m.version for m in migrations]
    if versions != sorted(set(versions)):
        raise ValueError(f"migration versions must be unique and ascending: {versions}")

