"""The HTTP API's OpenAPI 3.1 description, written by hand next to the routes it describes (storage/api.py).
OpenAPI 3.1 schemas are JSON Schema 2020-12, so the event schema is the wire contract itself (schemas/)."""

from __future__ import annotations

from typing import Any

from sitrep import schemas
from sitrep.storage.query import DEFAULT_LIMIT, MAX_LIMIT


def _param(name: str, description: str, schema: dict[str, Any], *, repeat: bool = False) -> dict[str, Any]:
    if repeat:
        schema = {"type": "array", "items": schema}
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
        **({"style": "form", "explode": True} if repeat else {}),
    }


FILTERS = [
    _param("since", "event_date on or after this day", {"type": "string", "format": "date"}),
    _param("until", "event_date on or before this day", {"type": "string", "format": "date"}),
    _param("event_type", "any of these event types (repeat, or comma-separate)", {"type": "string"}, repeat=True),
    _param(
        "sub_event_type", "any of these sub-event types (repeat, or comma-separate)", {"type": "string"}, repeat=True
    ),
    _param(
        "actor", "text found in actor1 or actor2, any case (repeat for any of several)", {"type": "string"}, repeat=True
    ),
    _param("country", "any of these countries, any case (repeat, or comma-separate)", {"type": "string"}, repeat=True),
    _param("place", "text found in the location name, any case", {"type": "string"}),
    _param(
        "bbox",
        "minlon,minlat,maxlon,maxlat (min_lon > max_lon crosses the antimeridian)",
        {"type": "string", "examples": ["38,33,39,34"]},
    ),
    _param("near", "lat,lon; with radius_km", {"type": "string", "examples": ["33.50,38.62"]}),
    _param("radius_km", "great-circle distance from `near`", {"type": "number", "exclusiveMinimum": 0}),
    _param(
        "min_fatalities",
        "at least this many reported fatalities (unknown counts never pass)",
        {"type": "integer", "minimum": 0},
    ),
    _param(
        "min_independent_sources",
        "at least this many independent sources (copies of one story count once)",
        {"type": "integer", "minimum": 1},
    ),
    _param(
        "updated_after",
        "stored (or changed) strictly after this instant, ISO 8601 UTC",
        {"type": "string", "examples": ["2026-11-21T10:00:00.000Z"]},
    ),
    _param(
        "limit",
        "at most this many events, newest event_date first",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
    ),
]

_ERROR: dict[str, Any] = {
    "description": "invalid parameters",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def _ok(description: str, ctype: str = "application/json", schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"description": description, "content": {ctype: {"schema": schema or {"type": "object"}}}}


def _path_id(name: str) -> list[dict[str, Any]]:
    return [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}]


_NOT_FOUND = {
    "description": "not found",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def page_paths() -> dict[str, Any]:
    """The routes the analyst's page uses (sitrep.web), besides the event routes."""
    return {
        "/events.csv": {
            "get": {
                "summary": "Events matching the filters as CSV (one row per event, location fields flattened)",
                "operationId": "listEventsCSV",
                "parameters": FILTERS,
                "responses": {"200": _ok("CSV with a header row", "text/csv", {"type": "string"}), "400": _ERROR},
            }
        },
        "/documents/{doc_id}": {
            "get": {
                "summary": "One stored (clean) document with its text",
                "operationId": "getDocument",
                "parameters": _path_id("doc_id"),
                "responses": {"200": _ok("the document"), "404": _NOT_FOUND},
            }
        },
        "/timeline": {
            "get": {
                "summary": "Events per day and event type under the filters (no limit)",
                "operationId": "timeline",
                "parameters": FILTERS,
                "responses": {"200": _ok("{days: [{date, counts: {event_type: n}}]}"), "400": _ERROR},
            }
        },
        "/changes": {
            "get": {
                "summary": "Events stored after updated_after (the page's live updates), with the cursor for next time",
                "operationId": "changes",
                "parameters": FILTERS,
                "responses": {"200": _ok("{now, cursor, events: [event with stored_at]}"), "400": _ERROR},
            }
        },
        "/alerts": {
            "get": {
                "summary": "The subscriptions and the alerts they raised on the stored event versions, newest first",
                "operationId": "alerts",
                "parameters": [
                    _param("subscription", "only this subscription's alerts", {"type": "string"}),
                    _param(
                        "limit",
                        "at most this many alerts",
                        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 100},
                    ),
                ],
                "responses": {"200": _ok("{subscriptions: [...], alerts: [...]}"), "400": _ERROR, "404": _NOT_FOUND},
            }
        },
        "/subscriptions": {
            "get": {
                "summary": "The subscriptions with their alert counts",
                "operationId": "subscriptions",
                "responses": {"200": _ok("as /alerts")},
            }
        },
        "/config.json": {
            "get": {
                "summary": "The page's settings (tile URL, poll interval, event type names)",
                "operationId": "pageConfig",
                "responses": {"200": _ok("settings")},
            }
        },
        "/": {
            "get": {
                "summary": "The analyst's page",
                "operationId": "page",
                "responses": {"200": _ok("HTML", "text/html", {"type": "string"})},
            }
        },
        "/static/{name}": {
            "get": {
                "summary": "The page's built files",
                "operationId": "static",
                "parameters": _path_id("name"),
                "responses": {"200": {"description": "the file"}, "404": _NOT_FOUND},
            }
        },
    }


def document() -> dict[str, Any]:
    event_schema = {k: v for k, v in schemas.load_schema("events").items() if k not in ("$schema", "$id", "examples")}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "sitrep events API",
            "version": "1.0.0",
            "description": "Read-only access to stored conflict events (the latest version of each, with its "
            "history). The same filters as `sitrep events`. Listening beyond loopback, every "
            "request needs the token ($SITREP_API_TOKEN) as `Authorization: Bearer`.",
        },
        "paths": {
            "/events": {
                "get": {
                    "summary": "Events matching the filters",
                    "operationId": "listEvents",
                    "parameters": FILTERS,
                    "responses": {
                        "200": {
                            "description": "matching events",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EventList"}}},
                        },
                        "400": _ERROR,
                    },
                }
            },
            "/events.geojson": {
                "get": {
                    "summary": "Events matching the filters as a GeoJSON FeatureCollection",
                    "operationId": "listEventsGeoJSON",
                    "parameters": FILTERS,
                    "responses": {
                        "200": {
                            "description": "RFC 7946 FeatureCollection (events without coordinates have a "
                            "null geometry)",
                            "content": {"application/geo+json": {"schema": {"type": "object"}}},
                        },
                        "400": _ERROR,
                    },
                }
            },
            "/events/{event_id}": {
                "get": {
                    "summary": "One event: its latest version and every stored version",
                    "operationId": "getEvent",
                    "parameters": [{"name": "event_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {
                        "200": {
                            "description": "the event",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/EventWithHistory"}}
                            },
                        },
                        "404": {
                            "description": "no such event",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                        },
                    },
                }
            },
            "/healthz": {
                "get": {
                    "summary": "200 while the database answers",
                    "operationId": "health",
                    "responses": {
                        "200": {"description": "healthy"},
                        "503": {"description": "the database does not answer"},
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "operationId": "openapi",
                    "responses": {"200": {"description": "OpenAPI 3.1"}},
                }
            },
            **page_paths(),
        },
        "components": {
            "schemas": {
                "Event": event_schema,
                "EventList": {
                    "type": "object",
                    "required": ["count", "events"],
                    "properties": {
                        "count": {"type": "integer"},
                        "events": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}},
                    },
                },
                "EventVersion": {
                    "type": "object",
                    "required": ["version", "stored_at", "record"],
                    "properties": {
                        "version": {"type": "integer"},
                        "stored_at": {"type": "string"},
                        "record": {"$ref": "#/components/schemas/Event"},
                    },
                },
                "EventWithHistory": {
                    "type": "object",
                    "required": ["event", "versions"],
                    "properties": {
                        "event": {"$ref": "#/components/schemas/Event"},
                        "versions": {"type": "array", "items": {"$ref": "#/components/schemas/EventVersion"}},
                        "changes": {
                            "type": "array",
                            "description": "per version: the fields changed (before, after) and "
                            "the source documents it added",
                            "items": {"type": "object"},
                        },
                        "evidence": {
                            "type": "object",
                            "description": "the source documents with each evidence sentence "
                            "located in their text (highlights), and evidence found in none (unplaced)",
                        },
                    },
                },
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
            }
        },
    }
