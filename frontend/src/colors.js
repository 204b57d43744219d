// One colour per ACLED event type (colour-blind-safe Okabe–Ito hues), used by the map, list, legend and timeline.
export const TYPE_COLORS = {
  Battles: '#d55e00',
  'Explosions/Remote violence': '#cc79a7',
  'Violence against civilians': '#e69f00',
  Protests: '#0072b2',
  Riots: '#56b4e9',
  'Strategic developments': '#009e73',
};

export function typeColor(eventType) {
  return TYPE_COLORS[eventType] || '#777777';
}

// A slug for CSS classes and test hooks (event types hold spaces and slashes).
export function typeSlug(eventType) {
  return String(eventType || 'unknown').toLowerCase().replace(/[^a-z0-9]+/g, '-');
}
