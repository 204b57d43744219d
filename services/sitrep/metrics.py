"""Every sitrep metric, in one registry (arroyo's metric_defs pattern).

Conventions: a ``sitrep_`` prefix, base units (seconds, bytes), ``_total`` on counters, and labels with bounded
values only (never a document or event id). All live in prometheus_client's default registry, which the processor
shares with faust's Prometheus sensors.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
# event age spans seconds (live) to years (a replayed archive)
AGE_BUCKETS = (1, 5, 15, 60, 300, 900, 3600, 6 * 3600, 86400, 7 * 86400, 30 * 86400, 365 * 86400,
               10 * 365 * 86400)

# --- every consumer / producer -------------------------------------------------------------------------------------
MESSAGES_IN = Counter("sitrep_messages_consumed_total", "Messages consumed", ["service", "topic"])
MESSAGES_OUT = Counter("sitrep_messages_produced_total", "Messages produced", ["service", "topic"])
DEAD_LETTERS = Counter("sitrep_dead_letters_total", "Messages sent to the dead-letter topic", ["service", "reason"])
PRODUCE_FAILURES = Counter("sitrep_produce_failures_total", "Deliveries failed after retries", ["service", "topic"])
PROCESSING_SECONDS = Histogram(
    "sitrep_processing_seconds", "Time to handle one message or batch", ["service", "step"], buckets=LATENCY_BUCKETS
)
CONSUMER_LAG = Gauge("sitrep_consumer_lag_messages", "Messages behind the log end", ["service", "topic"])
UP = Gauge("sitrep_up", "1 while the service loop runs", ["service"])

# --- processor -----------------------------------------------------------------------------------------------------
DUPLICATES = Counter("sitrep_duplicates_total", "Deduplication verdicts", ["verdict"])
CLEANING_REMOVED_CHARS = Counter("sitrep_cleaning_removed_chars_total", "Characters removed by cleaning", ["rule"])
DOCUMENTS_SPLIT = Counter("sitrep_documents_split_total", "Documents derived by splitting listing pages")
EVENTS = Counter("sitrep_events_total", "Event versions emitted", ["sub_event_type"])
DEDUP_STATE_ENTRIES = Gauge("sitrep_dedup_state_entries", "Entries in the dedup seen-set", ["table"])

# --- storage -------------------------------------------------------------------------------------------------------
STORED = Counter("sitrep_stored_total", "Rows written by storage", ["kind", "result"])
EVENT_AGE = Histogram(
    "sitrep_event_age_seconds", "From source publication to a pipeline stage", ["stage"], buckets=AGE_BUCKETS
)

# --- alerter -------------------------------------------------------------------------------------------------------
ALERTS = Counter("sitrep_alerts_total", "Alerts published", ["subscription"])
WEBHOOK_DELIVERIES = Counter("sitrep_webhook_deliveries_total", "Webhook delivery attempts", ["subscription", "result"])

# --- fetcher -------------------------------------------------------------------------------------------------------
FETCH_REQUESTS = Counter("sitrep_fetch_requests_total", "HTTP requests made", ["host", "status"])
FETCH_BYTES = Counter("sitrep_fetch_bytes_total", "Response body bytes received", ["host"])
FETCH_SECONDS = Histogram("sitrep_fetch_request_seconds", "HTTP request latency", ["host"], buckets=LATENCY_BUCKETS)
FETCH_PUBLISHED = Counter("sitrep_fetch_documents_published_total", "Raw documents published", ["kind", "source"])
FETCH_EXTRACTION_FAILURES = Counter(
    "sitrep_fetch_extraction_failures_total", "Article pages where extraction fell back", ["host"]
)
FETCH_UNCHANGED = Counter("sitrep_fetch_unchanged_total", "Requests answered 304 Not Modified", ["host"])
FETCH_ROBOTS_REFUSED = Counter(
    "sitrep_fetch_robots_refusals_total", "URLs not fetched because robots.txt forbids", ["host"]
)
FETCH_ERRORS = Counter("sitrep_fetch_errors_total", "Fetch errors", ["type"])
