// The map: an offline basemap of country borders, clustered event markers coloured by type and sized by
// fatalities, precision shown honestly (an event placed only at region level is a hollow dashed ring), and a
// drawn bounding box for the filter.

import L from './leaflet-global.js';
import 'leaflet.markercluster';
import { h } from './dom.js';
import { typeColor, typeSlug } from './colors.js';

const PRECISION = {
  1: { fillOpacity: 0.85, dashArray: null, label: 'exact place' },
  2: { fillOpacity: 0.3, dashArray: null, label: 'near the place / part of a region' },
  3: { fillOpacity: 0, dashArray: '4 3', label: 'region only' },
};

export function radiusFor(fatalities) {
  // area grows with the count; an unknown count is the smallest marker
  return fatalities ? Math.min(30, 5 + 2.5 * Math.sqrt(fatalities)) : 5;
}

function tooltip(row) {
  return h('div', { class: 'tip' },
    h('strong', {}, row.sub_event_type), h('br'),
    `${row.event_date} · ${row.place || ''}, ${row.country || ''}`, h('br'),
    `fatalities: ${row.fatalities ?? 'unknown'} · ${PRECISION[row.geo_precision]?.label || ''}`);
}

function marker(row, onSelect) {
  const precision = PRECISION[row.geo_precision] || PRECISION[1];
  const color = typeColor(row.event_type);
  const m = L.circleMarker([row.lat, row.lon], {
    radius: row.geo_precision === 3 ? Math.max(10, radiusFor(row.fatalities)) : radiusFor(row.fatalities),
    color, weight: 2, fillColor: color, fillOpacity: precision.fillOpacity, dashArray: precision.dashArray,
    className: `ev ev-${typeSlug(row.event_type)} ev-p${row.geo_precision}`,
  });
  m.bindTooltip(() => tooltip(row));
  m.on('click', () => onSelect(row.event_id));
  m.eventId = row.event_id;
  return m;
}

function clusterIcon(cluster) {
  const count = cluster.getChildCount();
  const size = count < 10 ? 'small' : count < 100 ? 'medium' : 'large';
  // the count is a number: no text of the news reaches this HTML
  return L.divIcon({ html: `<div><span>${Number(count)}</span></div>`, className: `marker-cluster marker-cluster-${size}`,
    iconSize: L.point(40, 40) });
}

export class EventMap {
  constructor(container, { basemap, tileUrl, onSelect, onBox }) {
    this.onSelect = onSelect;
    this.onBox = onBox;
    this.map = L.map(container, { worldCopyJump: true, zoomSnap: 0.5, minZoom: 2, maxZoom: tileUrl ? 18 : 12 }).setView([33.5, 40], 5);
    this.map.attributionControl.setPrefix(false);
    if (tileUrl) L.tileLayer(tileUrl, { maxZoom: 18 }).addTo(this.map);
    L.geoJSON(basemap, {
      renderer: L.canvas(), interactive: false,
      style: { color: '#8a8f98', weight: 0.8, fillColor: '#eef0f2', fillOpacity: tileUrl ? 0 : 1 },
    }).addTo(this.map);
    this.map.attributionControl.addAttribution('Borders: Natural Earth (public domain)');
    this.clusters = L.markerClusterGroup({ chunkedLoading: true, iconCreateFunction: clusterIcon,
      showCoverageOnHover: false, maxClusterRadius: 40, animate: false });
    this.clusters.addTo(this.map);
    this.box = null;
    this.addLegend();
  }

  show(rows, { fit = false } = {}) {
    this.clusters.clearLayers();
    const markers = rows.filter((r) => r.lat !== null && r.lat !== undefined && r.lon !== null && r.lon !== undefined)
      .map((r) => marker(r, this.onSelect));
    this.clusters.addLayers(markers);
    this.placed = markers.length;
    // from the markers themselves: with chunked loading the cluster group fills (and knows its bounds) later
    if (fit && markers.length) {
      this.map.fitBounds(L.latLngBounds(markers.map((m) => m.getLatLng())), { maxZoom: 8, padding: [20, 20] });
    }
    return markers.length;
  }

  showBox(bboxText) {
    if (this.box) this.box.remove();
    this.box = null;
    const parts = (bboxText || '').split(',').map(Number);
    if (parts.length !== 4 || parts.some(Number.isNaN)) return;
    const [minLon, minLat, maxLon, maxLat] = parts;
    this.box = L.rectangle([[minLat, minLon], [maxLat, maxLon]], { color: '#333', weight: 1, fill: false,
      dashArray: '6 4', interactive: false }).addTo(this.map);
  }

  // One drag on the map draws the box; the map does not pan meanwhile.
  drawBox() {
    const map = this.map;
    map.dragging.disable();
    map.getContainer().classList.add('drawing');
    let start = null;
    let rect = null;
    const down = (e) => { start = e.latlng; };
    const move = (e) => {
      if (!start) return;
      const bounds = L.latLngBounds(start, e.latlng);
      if (rect) rect.setBounds(bounds);
      else rect = L.rectangle(bounds, { color: '#333', weight: 1, fill: false, interactive: false }).addTo(map);
    };
    const up = (e) => {
      if (!start) return;
      const b = L.latLngBounds(start, e.latlng);
      map.off('mousedown', down).off('mousemove', move).off('mouseup', up);
      map.dragging.enable();
      map.getContainer().classList.remove('drawing');
      if (rect) rect.remove();
      const r = (x) => Math.round(x * 1000) / 1000;
      this.onBox(`${r(b.getWest())},${r(b.getSouth())},${r(b.getEast())},${r(b.getNorth())}`);
    };
    map.on('mousedown', down).on('mousemove', move).on('mouseup', up);
  }

  addLegend() {
    const legend = L.control({ position: 'bottomright' });
    legend.onAdd = () => {
      const rows = Object.keys(PRECISION).map((p) => h('div', { class: `legend-row legend-p${p}` },
        h('span', { class: `swatch p${p}` }), PRECISION[p].label));
      return h('div', { class: 'legend' }, h('strong', {}, 'Precision'), rows,
        h('div', { class: 'legend-note' }, 'size: fatalities · colour: event type'));
    };
    legend.addTo(this.map);
  }
}
