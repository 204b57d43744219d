// One event: every field, its version history (what changed, which report caused it), each evidence sentence
// highlighted inside its document's text, and links to the sources. All text goes in as text nodes.

import { h } from './dom.js';
import { typeColor } from './colors.js';

// ACLED's precision codes, said in words: how sure the date and the place are
const TIME_PRECISION = { 1: '', 2: ' (within that week)', 3: ' (within that month)' };
const PLACE_PRECISION = { 1: 'the place itself', 2: 'near it, or part of its region', 3: 'its region only' };

function value(v) {
  if (v === null || v === undefined) return h('span', { class: 'null' }, '—');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function fieldsTable(event) {
  const rows = [];
  for (const [key, v] of Object.entries(event)) {
    if (key === 'location' && v) {
      for (const [lk, lv] of Object.entries(v)) rows.push([`location.${lk}`, lv]);
    } else if (key === 'evidence') {
      rows.push([key, `${(v || []).length} sentence(s), below`]);
    } else rows.push([key, v]);
  }
  return h('table', { class: 'fields' }, rows.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, value(v)))));
}

function history(changes) {
  return h('ol', { class: 'versions' }, changes.map((c) => h('li', { class: 'version', 'data-version': c.version },
    h('div', {}, h('strong', {}, `v${c.version}`), ` stored ${c.stored_at}`),
    h('div', { class: 'caused' }, c.new_sources.length ? ['from ', c.new_sources.join(', ')] : 'no new source'),
    c.changes.length
      ? h('ul', {}, c.changes.map((f) => h('li', {}, h('code', {}, f.field), ': ', value(f.before), ' → ', value(f.after))))
      : h('div', { class: 'muted' }, c.version === 1 ? 'first report' : 'no field changed'))));
}

// The document's text cut at every highlight boundary; a piece covered by any evidence span is a <mark>.
export function highlighted(text, highlights) {
  const cuts = new Set([0, text.length]);
  for (const hl of highlights) { cuts.add(hl.start); cuts.add(hl.end); }
  const points = [...cuts].filter((c) => c >= 0 && c <= text.length).sort((a, b) => a - b);
  const pieces = [];
  for (let i = 0; i + 1 < points.length; i += 1) {
    const [from, to] = [points[i], points[i + 1]];
    const covering = highlights.filter((hl) => hl.start <= from && hl.end >= to);
    const piece = text.slice(from, to);
    pieces.push(covering.length
      ? h('mark', { class: 'evidence', 'data-evidence': covering.map((c) => c.evidence).join(' ') }, piece)
      : piece);
  }
  return h('div', { class: 'doc-text' }, pieces);
}

function documentView(view) {
  const doc = view.document;
  const link = doc.url ? h('a', { href: doc.url, rel: 'noopener noreferrer nofollow', target: '_blank', class: 'source-link' }, doc.url) : null;
  return h('section', { class: 'document', 'data-doc-id': doc.id },
    h('h4', {}, doc.title || doc.id),
    h('div', { class: 'doc-meta' }, `${doc.source} · ${doc.kind} · published ${doc.published_at} · `,
      // a URL that is not http(s) (javascript:, data:) is shown, never linked
      link && !link.hasAttribute('href') ? h('span', { class: 'unsafe-url' }, doc.url) : link || 'no URL recorded'),
    highlighted(doc.text, view.highlights));
}

export function renderDetail(body, onClose) {
  const { event, changes, evidence } = body;
  const loc = event.location || {};
  const unplaced = (evidence.unplaced || []).map((i) => event.evidence[i]);
  return h('article', { class: 'detail', 'data-event-id': event.event_id },
    h('button', { class: 'close', type: 'button', onclick: onClose, title: 'close' }, '×'),
    h('h3', {}, h('span', { class: 'dot', 'data-type': event.event_type }), event.sub_event_type),
    h('p', { class: 'lede' }, `${event.event_date}${TIME_PRECISION[event.time_precision] || ''} · `,
      `${loc.name || ''}, ${loc.country || ''} (${PLACE_PRECISION[loc.geo_precision] || 'precision unknown'}) · `,
      `fatalities ${event.fatalities ?? 'unknown'} · version ${event.version}`),
    h('h4', {}, 'Evidence in the sources'),
    evidence.documents.map(documentView),
    unplaced.length ? h('div', { class: 'unplaced' }, h('h4', {}, 'Evidence not found in a stored document'),
      unplaced.map((e) => h('blockquote', {}, e.text))) : null,
    h('h4', {}, 'Versions'), history(changes),
    h('h4', {}, 'Every field'), fieldsTable(event));
}

export function colourDots(root) {
  for (const dot of root.querySelectorAll('.dot[data-type]')) dot.style.backgroundColor = typeColor(dot.dataset.type);
}
