"""Event extraction: document records -> ACLED-coded candidate events -> merged events. Pure logic, no Kafka."""

from sitrep.extraction.events import extract_events
from sitrep.extraction.merge import blocking_keys, event_id_for, matches, merge

__all__ = ["blocking_keys", "event_id_for", "extract_events", "matches", "merge"]
