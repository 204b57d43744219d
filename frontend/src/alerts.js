// The alerts view: each subscription, and the alerts its filters raised on the stored event versions.

import { h } from './dom.js';

function filterText(filters) {
  return Object.entries(filters).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(' · ');
}

export function renderAlerts(body, chosen, { onSubscription, onEvent }) {
  const cards = body.subscriptions.map((s) => h('button', {
    type: 'button', class: `subscription${s.name === chosen ? ' chosen' : ''}`, 'data-name': s.name,
    onclick: () => onSubscription(s.name === chosen ? null : s.name),
  }, h('strong', {}, s.name), h('span', { class: 'count' }, `${s.alerts} alert${s.alerts === 1 ? '' : 's'}`),
  h('div', {}, s.description), h('div', { class: 'muted' }, filterText(s.filters))));
  const rows = body.alerts.map((a) => h('tr', { class: 'alert-row', 'data-event-id': a.event_id, onclick: () => onEvent(a.event_id) },
    h('td', {}, a.stored_at.replace('T', ' ').slice(0, 19)), h('td', {}, a.subscription), h('td', {}, a.reason),
    h('td', {}, a.event_date), h('td', {}, a.sub_event_type), h('td', {}, `${a.place}, ${a.country}`),
    h('td', {}, a.fatalities ?? '—'), h('td', {}, `v${a.version}`)));
  return h('div', { class: 'alerts' },
    h('div', { class: 'subscriptions' }, cards.length ? cards : h('p', {}, 'No subscriptions configured (sitrep api --subscriptions FILE).')),
    h('h3', {}, chosen ? `Recent alerts: ${chosen}` : 'Recent alerts: all subscriptions'),
    h('table', { class: 'alert-table' },
      h('thead', {}, h('tr', {}, ['stored', 'subscription', 'why', 'date', 'type', 'place', 'fatalities', 'version'].map((t) => h('th', {}, t)))),
      h('tbody', {}, rows)));
}
