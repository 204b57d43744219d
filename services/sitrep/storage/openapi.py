"""The HTTP API's OpenAPI 3.1 description, written by hand next to the routes it describes (storage/api.py).
OpenAPI 3.1 schemas are JSON Schema 2020-12, so the event schema is the wire contract itself (schemas/)."""

from __future__ import annotations

from typing import Any

from sitrep import schemas
from sitrep.storage.query import DEFAULT_LIMIT, MAX_LIMIT


def _param(name: str, description: str, schema: dict[str, Any], *, repeat: bool = False) -> dict[str, Any]:
    if repeat:
        schema = {"type": "array", "items": schema}
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema,
            **({"style": "form", "explode": True} if repeat else {})}


FILTERS = [
    _param("since", "event_date on or after this day", {"type": "string", "format": "date"}),
    _param("until", "event_date on or before this day", {"type": "string", "format": "date"}),
    _param("sub_event_type", "any of these sub-event types (repeat, or comma-separate)", {"type": "string"},
           repeat=True),
    _param("actor", "text found in actor1 or actor2, any case (repeat for any of several)", {"type": "string"},
           repeat=True),
    _param("country", "any of these countries, any case (repeat, or comma-separate)", {"type": "string"}, repeat=True),
    _param("place", "text found in the location name, any case", {"type": "string"}),
    _param("bbox", "minlon,minlat,maxlon,maxlat (min_lon > max_lon crosses the antimeridian)",
           {"type": "string", "examples": ["38,33,39,34"]}),
    _param("near", "lat,lon; with radius_km", {"type": "string", "examples": ["33.50,38.62"]}),
    _param("radius_km", "great-circle distance from `near`", {"type": "number", "exclusiveMinimum": 0}),
    _param("min_fatalities", "at least this many reported fatalities (unknown counts never pass)",
           {"type": "integer", "minimum": 0}),
    _param("min_independent_sources", "at least this many independent sources (copies of one story count once)",
           {"type": "integer", "minimum": 1}),
    _param("limit", "at most this many events, newest event_date first",
           {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}),
]

_ERROR = {"description": "invalid parameters",
          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def document() -> dict[str, Any]:
    event_schema = {k: v for k, v in schemas.load_schema("events").items() if k not in ("$schema", "$id", "examples")}
    return {
        "openapi": "3.1.0",
        "info": {"title": "sitrep events API", "version": "1.0.0",
                 "description": "Read-only access to stored conflict events (the latest version of each, with its "
                                "history). The same filters as `sitrep events`."},
        "paths": {
            "/events": {"get": {
                "summary": "Events matching the filters", "operationId": "listEvents", "parameters": FILTERS,
                "responses": {"200": {"description": "matching events", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/EventList"}}}}, "400": _ERROR}}},
            "/events.geojson": {"get": {
                "summary": "Events matching the filters as a GeoJSON FeatureCollection",
                "operationId": "listEventsGeoJSON", "parameters": FILTERS,
                "responses": {"200": {"description": "RFC 7946 FeatureCollection (events without coordinates have a "
                                                     "null geometry)",
                                      "content": {"application/geo+json": {"schema": {"type": "object"}}}},
                              "400": _ERROR}}},
            "/events/{event_id}": {"get": {
                "summary": "One event: its latest version and every stored version", "operationId": "getEvent",
                "parameters": [{"name": "event_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "the event", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/EventWithHistory"}}}},
                    "404": {"description": "no such event", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Error"}}}}}}},
            "/healthz": {"get": {"summary": "200 while the database answers", "operationId": "health",
                                 "responses": {"200": {"description": "healthy"},
                                               "503": {"description": "the database does not answer"}}}},
            "/openapi.json": {"get": {"summary": "This document", "operationId": "openapi",
                                      "responses": {"200": {"description": "OpenAPI 3.1"}}}},
        },
        "components": {"schemas": {
            "Event": event_schema,
            "EventList": {"type": "object", "required": ["count", "events"], "properties": {
                "count": {"type": "integer"},
                "events": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}}}},
            "EventVersion": {"type": "object", "required": ["version", "stored_at", "record"], "properties": {
                "version": {"type": "integer"}, "stored_at": {"type": "string"},
                "record": {"$ref": "#/components/schemas/Event"}}},
            "EventWithHistory": {"type": "object", "required": ["event", "versions"], "properties": {
                "event": {"$ref": "#/components/schemas/Event"},
                "versions": {"type": "array", "items": {"$ref": "#/components/schemas/EventVersion"}}}},
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
        }},
    }
