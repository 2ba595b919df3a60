// Splits a Kubernetes list response — {"kind":…,"apiVersion":…,"metadata":{…},"items":[{…},{…},…]} —
// as its text arrives: each element of the top-level "items" array is handed over as its own JSON
// text the moment it is complete, and everything else (the envelope, with "items" left empty) is
// kept to be parsed at the end. A page of 500 kubelet-written Nodes is ~6 MiB of JSON; parsed
// whole, it and its ~20 MiB of objects live until the page is trimmed, long enough to be promoted
// to V8's old generation, which then grows by every page of the initial list (docs/benchmarks.md,
// footprint). Element by element, each raw Node dies young, before the next one is read.
// This is a scanner, not a parser: it follows strings, escapes and nesting to find where elements
// begin and end; JSON.parse still parses (and validates) every element and the envelope.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const ITEMS_KEY = /"items"\s*:\s*$/;

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Whether text[end − 1] is an odd number of backslashes into a run that starts at or after `start`. */
function escapedAt(text: string, end: number, start: number): boolean {
  let k = end;
  while (k > start && text.charCodeAt(k - 1) === BACKSLASH) k--;
  return (end - k) % 2 === 1;
}

export class ListStreamSplitter {
  private depth = 0;
  private inString = false;
  /** The previous chunk ended inside a string with an unpaired backslash. */
  private escaped = false;
  private inItems = false;
  private inItem = false;
  private readonly envelope: string[] = [];
  private readonly item: string[] = [];

  /** `onItem` gets each element's JSON text; `onItemsStart` the envelope read so far (kind, apiVersion, metadata), parsed. */
  constructor(private readonly onItem: (json: string) => void, private readonly onItemsStart: (head: Record<string, unknown>) => void = () => undefined) {}

  write(text: string): void {
    let mark = 0;
    let i = 0;
    while (i < text.length) {
      if (this.inString) {
        i = this.skipString(text, i);
        continue;
      }
      mark = this.structural(text, i, mark);
      i++;
    }
    if (this.inItem) this.item.push(text.slice(mark));
    else if (!this.inItems) this.envelope.push(text.slice(mark));
  }

  /**
   * Handles text[i], outside any string. `mark` is where the text not yet saved (to the envelope
   * or the current element) starts; returns it, moved when an element or "items" begins or ends.
   */
  private structural(text: string, i: number, mark: number): number {
    const c = text.charCodeAt(i);
    if (this.betweenItems() && this.startsItem(text, i)) mark = i;
    switch (c) {
      case QUOTE:
        this.inString = true;
        return mark;
      case OPEN_BRACKET: {
        const next = this.depth === 1 && !this.inItems ? this.maybeStartItems(text, mark, i) : mark;
        this.depth++;
        return next;
      }
      case OPEN_BRACE:
        this.depth++;
        return mark;
      case CLOSE_BRACE:
      case CLOSE_BRACKET:
        return this.close(text, i, mark);
      default:
        return mark;
    }
  }

  private betweenItems(): boolean {
    return this.inItems && !this.inItem && this.depth === 2;
  }

  /** Between two elements of "items": true at the "{" of the next one; only "," "]" and whitespace may come between. */
  private startsItem(text: string, i: number): boolean {
    const c = text.charCodeAt(i);
    if (c === OPEN_BRACE) {
      this.inItem = true;
      return true;
    }
    if (c !== CLOSE_BRACKET && c !== COMMA && !isWhitespace(c)) {
      throw new Error(`list response: an element of "items" is not an object (at "${text.slice(i, i + 20)}")`);
    }
    return false;
  }

  private close(text: string, i: number, mark: number): number {
    this.depth--;
    if (this.inItem && this.depth === 2) {
      this.item.push(text.slice(mark, i + 1));
      this.inItem = false;
      this.emitItem();
      return i + 1;
    }
    if (this.inItems && this.depth === 1) {
      this.inItems = false;
      return i;
    }
    return mark;
  }

  /** The envelope (kind, apiVersion, metadata), with "items" empty; throws if the text was not one complete object. */
  end(): Record<string, unknown> {
    if (this.depth !== 0 || this.inString) throw new Error('list response ended in the middle of the JSON');
    const envelope = JSON.parse(this.envelope.join('')) as unknown;
    if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) throw new Error('list response is not a JSON object');
    return envelope as Record<string, unknown>;
  }

  /** At a top-level "[": if it opens "items", keep the envelope up to it and switch to elements. Returns the new mark. */
  private maybeStartItems(text: string, mark: number, at: number): number {
    const head = this.envelope.join('') + text.slice(mark, at);
    if (!ITEMS_KEY.test(head)) return mark;
    this.envelope.length = 0;
    this.envelope.push(`${head}[`);
    this.inItems = true;
    // The head is valid JSON once the array and the object are closed; kind and apiVersion come first from the API server.
    this.onItemsStart(JSON.parse(`${head}[]}`) as Record<string, unknown>);
    return at + 1;
  }

  private emitItem(): void {
    const json = this.item.length === 1 ? (this.item[0] ?? '') : this.item.join('');
    this.item.length = 0;
    this.onItem(json);
  }

  /** From inside a string: the index after its closing quote, or text.length if it goes on in the next chunk. */
  private skipString(text: string, from: number): number {
    let i = from;
    if (this.escaped) {
      this.escaped = false;
      i++;
    }
    for (;;) {
      const quote = text.indexOf('"', i);
      if (quote === -1) {
        this.escaped = escapedAt(text, text.length, i);
        return text.length;
      }
      if (!escapedAt(text, quote, i)) {
        this.inString = false;
        return quote + 1;
      }
      i = quote + 1;
    }
  }
}
