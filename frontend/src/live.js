// Live updates: ask /changes for what storage wrote since the last answer, with the current filters. The
// indicator says whether the last poll worked and how long after storage the newest change was shown.

import { getJSON } from './api.js';

export class Live {
  constructor({ indicator, lagText, seconds, query, onChanges }) {
    Object.assign(this, { indicator, lagText, seconds, query, onChanges });
    this.cursor = null;
    this.timer = null;
  }

  async start() {
    const first = await getJSON(`/changes?${this.query()}`);
    this.cursor = first.cursor || '1970-01-01T00:00:00.000Z';
    this.schedule();
    return first;
  }

  schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.poll(), this.seconds * 1000);
  }

  async poll() {
    try {
      const params = new URLSearchParams(this.query());
      params.set('updated_after', this.cursor);
      params.delete('limit');
      const body = await getJSON(`/changes?${params}`);
      this.cursor = body.cursor || this.cursor;
      const news = body.events.length ? this.onChanges(body.events) : [];
      this.set(true, body, news);
    } catch (err) {
      this.set(false, null, [], err);
    }
    this.schedule();
  }

  // The lag shown is the server's clock at this answer minus when storage wrote the newest change it brought:
  // how late the page is, whatever the browser's clock says.
  set(ok, body, news = [], err = null) {
    this.indicator.classList.toggle('on', ok);
    this.indicator.classList.toggle('off', !ok);
    this.indicator.textContent = ok ? 'LIVE' : 'OFFLINE';
    this.indicator.title = ok ? `checked ${body.now}` : `last poll failed: ${err.message}`;
    if (!ok) {
      this.lagText.textContent = `no answer: ${err.message}`;
      return;
    }
    const checked = `checked ${body.now.slice(11, 19)} UTC`;
    if (news.length) {
      const newest = news.map((e) => Date.parse(e.stored_at)).reduce((a, b) => Math.max(a, b));
      this.last = `last change shown ${((Date.parse(body.now) - newest) / 1000).toFixed(1)} s after it was stored`;
    }
    this.lagText.textContent = this.last ? `${checked} · ${this.last}` : `${checked} · every ${this.seconds} s`;
  }
}
