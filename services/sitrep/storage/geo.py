"""Great-circle distance and the bounding boxes that prefilter it (shared by the event query and the alerter)."""

from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius
KM_PER_DEGREE_LAT = math.pi * EARTH_RADIUS_KM / 180

BBox = tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat (GeoJSON order)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def box_around(lat: float, lon: float, radius_km: float) -> BBox:
    """A box that contains every point within ``radius_km`` (never fewer: it is only a prefilter).

    Near a pole, or when the radius spans the globe, the longitude range is the whole circle; a box crossing the
    antimeridian comes back with min_lon > max_lon, which ``in_bbox`` and the SQL filter both understand.
    """
    dlat = radius_km / KM_PER_DEGREE_LAT
    min_lat, max_lat = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    cos_lat = math.cos(math.radians(max(abs(min_lat), abs(max_lat))))
    if cos_lat < 1e-6 or min_lat <= -90.0 or max_lat >= 90.0:
        return (-180.0, min_lat, 180.0, max_lat)
    dlon = radius_km / (KM_PER_DEGREE_LAT * cos_lat)
    if dlon >= 180.0:
        return (-180.0, min_lat, 180.0, max_lat)
    return (_wrap(lon - dlon), min_lat, _wrap(lon + dlon), max_lat)


def _wrap(lon: float) -> float:
    return (lon + 180.0) % 360.0 - 180.0 if not -180.0 <= lon <= 180.0 else lon


def in_bbox(lat: float, lon: float, box: BBox) -> bool:
    min_lon, min_lat, max_lon, max_lat = box
    if not min_lat <= lat <= max_lat:
        return False
    if min_lon <= max_lon:
        return min_lon <= lon <= max_lon
    return lon >= min_lon or lon <= max_lon  # the box crosses the antimeridian


def parse_bbox(text: str) -> BBox:
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 4:
        raise ValueError(f"bbox needs minlon,minlat,maxlon,maxlat, got {text!r}")
    min_lon, min_lat, max_lon, max_lat = (float(p) for p in parts)
    for lon in (min_lon, max_lon):
        if not -180 <= lon <= 180:
            raise ValueError(f"bbox longitude out of range: {lon}")
    for lat in (min_lat, max_lat):
        if not -90 <= lat <= 90:
            raise ValueError(f"bbox latitude out of range: {lat}")
    if min_lat > max_lat:
        raise ValueError(f"bbox min_lat {min_lat} > max_lat {max_lat}")
    return (min_lon, min_lat, max_lon, max_lat)


def parse_point(text: str) -> tuple[float, float]:
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 2:
        raise ValueError(f"point needs lat,lon, got {text!r}")
    lat, lon = float(parts[0]), float(parts[1])
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"point out of range: {text!r}")
    return lat, lon
