// A job's progress: one bar in four parts (succeeded, failed, running, pending), the counts, the rate and the time left.
// The bar is a progressbar for assistive technology, its text says what the colours show.

import { h, replace } from './dom.js';
import { RateMeter, counts, duration, isFinished } from './jobstate.js';

export class ProgressView {
  constructor() {
    this.rate = new RateMeter();
    this.parts = ['succeeded', 'failed', 'running', 'pending'].map((name) => h('span', { class: `part part-${name}` }));
    this.bar = h('div', {
      class: 'bar', role: 'progressbar', 'aria-label': 'Devices finished', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': '0',
    }, this.parts);
    this.numbers = h('dl', { class: 'numbers' });
    this.element = h('section', { class: 'progress', 'aria-label': 'Progress' }, this.bar, this.numbers);
  }

  show(job) {
    const c = counts(job);
    this.rate.add(c.finished);
    const values = [c.succeeded, c.failed, c.running, c.pending];
    values.forEach((value, i) => {
      this.parts[i].style.width = c.total ? `${(100 * value) / c.total}%` : '0%'; // CSSOM, allowed by style-src 'self'
    });
    const percent = c.total ? Math.floor((100 * c.finished) / c.total) : isFinished(job) ? 100 : 0;
    this.bar.setAttribute('aria-valuenow', String(percent));
    this.bar.setAttribute('aria-valuetext',
      `${percent}%: ${c.finished} of ${c.total} devices finished, ${c.succeeded} succeeded, ${c.failed} failed`);
    const perSecond = this.rate.perSecond();
    const entries = [
      ['Devices', c.total], ['Succeeded', c.succeeded], ['Failed', c.failed], ['Running', c.running], ['Pending', c.pending],
      ['Done', `${percent}%`], ['Rate', perSecond === null || isFinished(job) ? '–' : `${perSecond.toFixed(1)}/s`],
      ['Time left', isFinished(job) ? '–' : duration(this.rate.secondsLeft(c.total - c.finished))],
    ];
    replace(this.numbers, entries.map(([name, value]) =>
      h('div', { class: `number number-${name.toLowerCase().replace(' ', '-')}` }, h('dt', {}, name), h('dd', {}, String(value)))));
  }
}
