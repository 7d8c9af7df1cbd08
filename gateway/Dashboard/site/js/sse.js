// Server-Sent Events over fetch() (docs/dashboard.md, "The live view"). EventSource cannot send an Authorization
// header, and a token in the URL would end up in logs and history, so the page reads the stream with fetch() — the
// token in the header like every other request — and parses it here, by the rules of the HTML standard (the same as
// the command line's cli/Progress/ServerSentEventReader.cs).

export class SseParser {
  constructor() {
    this.buffer = '';
    this.data = [];
    this.type = '';
    this.lastEventId = null;
    this.retry = null;
    this.pendingCarriageReturn = false;
  }

  /** Feeds decoded text; returns the events it completed: [{type, data, id}]. */
  push(text) {
    const events = [];
    let chunk = text;
    // a CR at the end of the previous chunk and an LF at the start of this one are one line break
    if (this.pendingCarriageReturn && chunk.startsWith('\n')) chunk = chunk.slice(1);
    this.pendingCarriageReturn = false;
    this.buffer += chunk;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (c !== '\n' && c !== '\r') continue;
      this.line(this.buffer.slice(start, i), events);
      if (c === '\r') {
        if (i + 1 < this.buffer.length) {
          if (this.buffer[i + 1] === '\n') i++;
        } else {
          this.pendingCarriageReturn = true;
        }
      }
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  line(line, events) {
    if (line === '') {
      if (this.data.length > 0) events.push({ type: this.type || 'message', data: this.data.join('\n'), id: this.lastEventId });
      this.data = [];
      this.type = '';
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.type = value;
    else if (field === 'id' && !value.includes('\0')) this.lastEventId = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
  }
}

/** Reads a fetch() response body as events until it ends; calls onEvent for each. */
export async function readEvents(response, parser, onEvent) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      for (const event of parser.push(value)) {
        if ((await onEvent(event)) === false) return;
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}
