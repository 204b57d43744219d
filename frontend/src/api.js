// Requests to the sitrep API on the same origin (the token, when one is needed, travels as a cookie).

export async function getJSON(path) {
  const response = await fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      message = (await response.json()).error || message;
    } catch {
      /* not JSON: keep the status line */
    }
    throw new Error(message);
  }
  return response.json();
}

// A stored event record -> the flat row the map and list use (the same fields as /events.geojson properties).
export function flatten(record) {
  const loc = record.location || {};
  return {
    event_id: record.event_id, version: record.version, event_date: record.event_date,
    event_type: record.event_type, sub_event_type: record.sub_event_type, place: loc.name, admin1: loc.admin1,
    country: loc.country, lat: loc.lat, lon: loc.lon, geo_precision: loc.geo_precision, actor1: record.actor1,
    actor2: record.actor2, fatalities: record.fatalities, confidence: record.confidence,
    published_at: record.published_at, stored_at: record.stored_at,
  };
}
