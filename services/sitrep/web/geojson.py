"""Flat event rows (formats.flat) -> a GeoJSON FeatureCollection, the same document formats.to_geojson makes from
full records: one Feature per event, a null geometry when it has no coordinates."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def rows_to_geojson(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    features = []
    for row in rows:
        geometry = None
        if row.get("lat") is not None and row.get("lon") is not None:
            geometry = {"type": "Point", "coordinates": [row["lon"], row["lat"]]}  # GeoJSON is lon, lat
        features.append({"type": "Feature", "id": row["event_id"], "geometry": geometry, "properties": row})
    return {"type": "FeatureCollection", "features": features}
