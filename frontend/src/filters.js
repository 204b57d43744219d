// The filter state: the same names as the API's query parameters, so the page's URL is a shareable query.

import { $ } from './dom.js';

export const FILTER_NAMES = ['since', 'until', 'event_type', 'sub_event_type', 'actor', 'country', 'place',
  'min_fatalities', 'bbox', 'limit'];
const PAGE_NAMES = ['event', 'view']; // page state kept in the URL too, never sent to the API as a filter

export function readURL() {
  const params = new URLSearchParams(window.location.search);
  const filters = {};
  for (const name of FILTER_NAMES) {
    const value = params.get(name);
    if (value) filters[name] = value;
  }
  const page = {};
  for (const name of PAGE_NAMES) page[name] = params.get(name) || null;
  return { filters, page };
}

export function writeURL(filters, page) {
  const params = new URLSearchParams();
  for (const name of FILTER_NAMES) if (filters[name]) params.set(name, filters[name]);
  for (const name of PAGE_NAMES) if (page[name]) params.set(name, page[name]);
  const text = params.toString();
  window.history.replaceState(null, '', text ? `?${text}` : window.location.pathname);
}

export function queryString(filters, { without = [], extra = {} } = {}) {
  const params = new URLSearchParams();
  for (const name of FILTER_NAMES) {
    if (filters[name] && !without.includes(name)) params.set(name, filters[name]);
  }
  for (const [name, value] of Object.entries(extra)) if (value !== null && value !== undefined) params.set(name, value);
  return params.toString();
}

// The form <-> the state. Every field is named after its filter.
export function fillForm(filters) {
  for (const name of FILTER_NAMES) {
    const field = $(`#filters [name="${name}"]`);
    if (field) field.value = filters[name] || '';
  }
}

export function readForm() {
  const filters = {};
  for (const name of FILTER_NAMES) {
    const field = $(`#filters [name="${name}"]`);
    const value = field ? field.value.trim() : '';
    if (value) filters[name] = value;
  }
  return filters;
}
