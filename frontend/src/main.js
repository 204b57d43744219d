// The analyst's page: wires the filters (kept in the URL), the map, the list, the timeline, the detail panel,
// the alerts view, the exports and the live updates together.

import { getJSON, flatten } from './api.js';
import { $, h, clear } from './dom.js';
import { typeColor, typeSlug } from './colors.js';
import { FILTER_NAMES, fillForm, queryString, readForm, readURL, writeURL } from './filters.js';
import { EventMap } from './map.js';
import { Timeline } from './timeline.js';
import { renderDetail, colourDots } from './detail.js';
import { renderAlerts } from './alerts.js';
import { Live } from './live.js';

const state = { filters: {}, page: {}, rows: new Map(), config: null, fresh: new Set() };
let eventMap;
let timeline;

function apiQuery(extra = {}) {
  return queryString(state.filters, { extra: { limit: state.filters.limit || state.config.max_limit, ...extra } });
}

function sortedRows() {
  return [...state.rows.values()].sort((a, b) => (b.event_date.localeCompare(a.event_date)
    || a.event_id.localeCompare(b.event_id)));
}

function renderList() {
  const rows = sortedRows();
  const list = clear($('#event-list'));
  for (const row of rows.slice(0, 500)) {
    list.append(h('li', {
      class: `event-row ev-${typeSlug(row.event_type)}${state.fresh.has(row.event_id) ? ' fresh' : ''}`,
      'data-event-id': row.event_id, onclick: () => select(row.event_id),
    }, h('span', { class: 'dot', 'data-type': row.event_type }),
    h('span', { class: 'when' }, row.event_date), ' ', h('strong', {}, row.sub_event_type), ' · ',
    `${row.place || ''}, ${row.country || ''}`, row.fatalities ? ` · ${row.fatalities} killed` : '',
    row.lat === null || row.lat === undefined ? h('em', {}, ' (no coordinates)') : null));
  }
  colourDots(list);
  const placed = rows.filter((r) => r.lat !== null && r.lat !== undefined).length;
  const limit = Number(state.filters.limit || state.config.max_limit);
  $('#count').textContent = `${rows.length} event${rows.length === 1 ? '' : 's'} (${placed} on the map)`
    + (rows.length >= limit ? ` · limit ${limit} reached: narrow the filters` : '');
  $('#count').dataset.count = String(rows.length);
}

function renderExports() {
  const qs = apiQuery();
  $('#export-geojson').setAttribute('href', `/events.geojson?${qs}`);
  $('#export-csv').setAttribute('href', `/events.csv?${qs}`);
}

async function loadTimeline() {
  const body = await getJSON(`/timeline?${queryString(state.filters, { without: ['since', 'until', 'limit'] })}`);
  timeline.draw(body.days, { since: state.filters.since || null, until: state.filters.until || null });
}

async function load({ fit = false } = {}) {
  $('#status').textContent = 'loading…';
  try {
    const collection = await getJSON(`/events.geojson?${apiQuery()}`);
    state.rows = new Map(collection.features.map((f) => [f.id, f.properties]));
    state.fresh.clear();
    eventMap.show(sortedRows(), { fit });
    eventMap.showBox(state.filters.bbox);
    renderList();
    renderExports();
    $('#status').textContent = '';
    await loadTimeline();
  } catch (err) {
    $('#status').textContent = `error: ${err.message}`;
  }
}

function applyFilters(filters) {
  state.filters = filters;
  fillForm(filters);
  writeURL(state.filters, state.page);
  load();
}

async function select(eventId) {
  state.page.event = eventId;
  writeURL(state.filters, state.page);
  const panel = $('#detail');
  panel.hidden = false;
  clear(panel).append(h('p', {}, 'loading…'));
  try {
    const body = await getJSON(`/events/${encodeURIComponent(eventId)}`);
    clear(panel).append(renderDetail(body, closeDetail));
    colourDots(panel);
    const first = panel.querySelector('mark.evidence');
    if (first) first.scrollIntoView({ block: 'center' });
  } catch (err) {
    clear(panel).append(h('p', {}, `error: ${err.message}`));
  }
}

function closeDetail() {
  state.page.event = null;
  writeURL(state.filters, state.page);
  $('#detail').hidden = true;
}

async function showView(view) {
  state.page.view = view === 'alerts' ? 'alerts' : null;
  writeURL(state.filters, state.page);
  $('#map-view').hidden = view === 'alerts';
  $('#alerts-view').hidden = view !== 'alerts';
  for (const tab of document.querySelectorAll('.tab')) tab.classList.toggle('chosen', tab.dataset.view === (view || 'map'));
  if (view === 'alerts') await loadAlerts(null);
  else eventMap.map.invalidateSize();
}

async function loadAlerts(subscription) {
  const qs = new URLSearchParams({ limit: '200' });
  if (subscription) qs.set('subscription', subscription);
  const body = await getJSON(`/alerts?${qs}`);
  clear($('#alerts-view')).append(renderAlerts(body, subscription, { onSubscription: loadAlerts, onEvent: select }));
}

// Returns the records that were news (the rest repeat what the page has: the overlap window, or older versions).
function mergeChanges(records) {
  const news = [];
  for (const record of records) {
    const row = flatten(record);
    const known = state.rows.get(row.event_id);
    if (known && known.version >= row.version) continue; // a repeat from the overlap window, or older
    state.rows.set(row.event_id, row);
    state.fresh.add(row.event_id);
    news.push(record);
  }
  if (!news.length) return news;
  eventMap.show(sortedRows());
  renderList();
  loadTimeline();
  return news;
}

function fillSelect(name, values) {
  const field = $(`#filters [name="${name}"]`);
  field.append(h('option', { value: '' }, 'any'), ...values.map((v) => h('option', { value: v }, v)));
}

function legendTypes() {
  const legend = $('#type-legend');
  for (const type of state.config.event_types) {
    const swatch = h('span', { class: 'dot' });
    swatch.style.backgroundColor = typeColor(type);
    legend.append(h('li', {}, swatch, type));
  }
}

function wire() {
  $('#filters').addEventListener('change', () => applyFilters(readForm()));
  $('#filters').addEventListener('submit', (e) => { e.preventDefault(); applyFilters(readForm()); });
  $('#clear-filters').addEventListener('click', () => applyFilters({}));
  $('#draw-box').addEventListener('click', () => eventMap.drawBox());
  $('#clear-box').addEventListener('click', () => applyFilters({ ...state.filters, bbox: undefined }));
  for (const tab of document.querySelectorAll('.tab')) tab.addEventListener('click', () => showView(tab.dataset.view));
}

async function boot() {
  state.config = await getJSON('/config.json');
  const basemap = await getJSON('/static/countries.geojson');
  ({ filters: state.filters, page: state.page } = readURL());
  fillSelect('event_type', state.config.event_types);
  fillSelect('sub_event_type', state.config.sub_event_types);
  fillForm(state.filters);
  legendTypes();
  eventMap = new EventMap($('#map'), {
    basemap, tileUrl: state.config.tile_url, onSelect: select,
    onBox: (bbox) => applyFilters({ ...state.filters, bbox }),
  });
  timeline = new Timeline($('#timeline'), ({ since, until }) => applyFilters({ ...state.filters, since, until }));
  wire();
  window.addEventListener('resize', () => timeline.draw(timeline.days, timeline.range));
  const live = new Live({ indicator: $('#live'), lagText: $('#lag'), seconds: state.config.poll_seconds,
    query: () => queryString(state.filters, { without: ['limit'] }), onChanges: mergeChanges });
  await live.start(); // the cursor first: a change stored while the events load comes with the next poll
  await load({ fit: !state.filters.bbox });
  if (state.page.event) select(state.page.event);
  if (state.page.view === 'alerts') showView('alerts');
  document.body.dataset.ready = 'true';
}

export const _forTests = { FILTER_NAMES };
boot().catch((err) => { console.error(err); $("#status").textContent = `error: ${err.message || err}`; });
