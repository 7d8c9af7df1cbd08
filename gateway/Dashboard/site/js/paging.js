// Continuation paging for tables (docs/iothub-api.md, "Query paging"): the hub hands out a token for the next page only,
// so the tokens of the pages seen so far are kept to go back. Every page is one request, however large the result.

import { h, replace } from './dom.js';

export class Pager {
  /** load(continuation) → {items, continuation}; render(items) draws the rows. */
  constructor(load, render) {
    this.load = load;
    this.render = render;
    this.tokens = [null];
    this.index = 0;
    this.next = null;
    this.status = h('span', { class: 'page-status', 'aria-live': 'polite' });
    this.previousButton = h('button', { type: 'button', onclick: () => this.go(this.index - 1) }, 'Previous page');
    this.nextButton = h('button', { type: 'button', onclick: () => this.go(this.index + 1) }, 'Next page');
    this.element = h('div', { class: 'pager' }, this.previousButton, this.status, this.nextButton);
  }

  async reset() {
    this.tokens = [null];
    await this.go(0);
  }

  async reload() {
    await this.go(this.index, { quiet: true });
  }

  async go(index, { quiet = false } = {}) {
    if (index < 0 || index >= this.tokens.length + (this.next ? 1 : 0)) return;
    if (index === this.tokens.length) this.tokens.push(this.next);
    const answer = await this.load(this.tokens[index]);
    this.index = index;
    this.next = answer.continuation;
    this.tokens.length = index + 1;
    this.render(answer.items);
    this.previousButton.disabled = index === 0;
    this.nextButton.disabled = !this.next;
    const text = `Page ${index + 1}${this.next ? '' : ' (last)'}, ${answer.items.length} rows`;
    if (!quiet || this.status.textContent !== text) replace(this.status, text);
  }
}
