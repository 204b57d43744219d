// Events per day, stacked by type, as SVG. Dragging across it (brushing) sets since/until; a click clears them.

import { clear } from './dom.js';
import { TYPE_COLORS, typeColor } from './colors.js';

const SVG = 'http://www.w3.org/2000/svg';
const DAY = 86400000;

function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

const toTime = (date) => Date.parse(`${date}T00:00:00Z`);
const toDate = (time) => new Date(time).toISOString().slice(0, 10);

export class Timeline {
  constructor(container, onRange) {
    this.container = container;
    this.onRange = onRange;
    this.days = [];
    this.range = { since: null, until: null };
  }

  draw(days, range) {
    this.days = days;
    this.range = range;
    const width = Math.max(300, this.container.clientWidth || 800);
    const height = 90;
    const pad = { left: 30, right: 10, top: 6, bottom: 18 };
    clear(this.container);
    const root = svg('svg', { width, height, class: 'timeline-svg', role: 'img', 'aria-label': 'events per day' });
    this.container.append(root);
    if (!days.length) return;
    const first = Math.min(toTime(days[0].date), range.since ? toTime(range.since) : Infinity);
    const last = Math.max(toTime(days[days.length - 1].date), range.until ? toTime(range.until) : -Infinity);
    const span = Math.max(DAY, last - first + DAY);
    const x = (t) => pad.left + ((t - first) / span) * (width - pad.left - pad.right);
    const max = Math.max(...days.map((d) => Object.values(d.counts).reduce((a, b) => a + b, 0)));
    const y = (n) => ((height - pad.top - pad.bottom) * n) / max;
    const barWidth = Math.max(1.5, x(first + DAY) - x(first) - 0.5);
    for (const day of days) {
      let stacked = 0;
      const types = [...new Set([...Object.keys(TYPE_COLORS), ...Object.keys(day.counts)])];
      for (const type of types) {
        const n = day.counts[type];
        if (!n) continue;
        const bar = svg('rect', { x: x(toTime(day.date)), width: barWidth, y: height - pad.bottom - y(stacked + n),
          height: y(n), fill: typeColor(type), class: 'bar' });
        const title = svg('title');
        title.textContent = `${day.date} · ${type}: ${n}`;
        bar.append(title);
        root.append(bar);
        stacked += n;
      }
    }
    this.axis(root, first, last, x, height - pad.bottom, max, pad);
    if (range.since || range.until) {
      const from = range.since ? x(toTime(range.since)) : pad.left;
      const to = range.until ? x(toTime(range.until) + DAY) : width - pad.right;
      root.append(svg('rect', { x: from, y: pad.top, width: Math.max(1, to - from), height: height - pad.top - pad.bottom,
        class: 'brush' }));
    }
    this.brush(root, (px) => first + ((px - pad.left) / (width - pad.left - pad.right)) * span, height, pad);
  }

  axis(root, first, last, x, baseline, max, pad) {
    root.append(svg('line', { x1: pad.left, x2: x(last + DAY), y1: baseline, y2: baseline, class: 'axis' }));
    for (const t of [first, last]) {
      const label = svg('text', { x: x(t), y: baseline + 13, class: 'tick', 'text-anchor': t === first ? 'start' : 'end' });
      label.textContent = toDate(t);
      root.append(label);
    }
    const top = svg('text', { x: pad.left - 4, y: pad.top + 8, class: 'tick', 'text-anchor': 'end' });
    top.textContent = String(max);
    root.append(top);
  }

  brush(root, timeAt, height, pad) {
    let startX = null;
    let band = null;
    const local = (e) => e.clientX - root.getBoundingClientRect().left;
    root.addEventListener('mousedown', (e) => {
      startX = local(e);
      band = svg('rect', { x: startX, y: pad.top, width: 0, height: height - pad.top - pad.bottom, class: 'brush active' });
      root.append(band);
    });
    root.addEventListener('mousemove', (e) => {
      if (startX === null) return;
      const now = local(e);
      band.setAttribute('x', String(Math.min(startX, now)));
      band.setAttribute('width', String(Math.abs(now - startX)));
    });
    const finish = (e) => {
      if (startX === null) return;
      const endX = local(e);
      const [a, b] = [Math.min(startX, endX), Math.max(startX, endX)];
      startX = null;
      if (b - a < 3) this.onRange({ since: null, until: null }); // a click: the whole time range again
      else this.onRange({ since: toDate(timeAt(a)), until: toDate(timeAt(b)) });
    };
    root.addEventListener('mouseup', finish);
    root.addEventListener('mouseleave', (e) => { if (startX !== null) finish(e); });
  }
}
