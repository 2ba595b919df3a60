// The demo's terminal output: one live block that changes (the resource's state) under text that
// stays (start-up lines, instructions). On a terminal the block is redrawn in place, so the
// instructions above it never scroll away; into a pipe or a file each changed block is appended,
// since cursor movements would only garble a log.

/** The part of a stream the demo writes to: process.stdout, or a fake one in tests. */
export interface OutputStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

// Move to the start of the line `n` lines up, then erase from there to the end of the screen.
const up = (n: number): string => `\r\x1b[${n}A\x1b[J`;

export class LiveBlock {
  /** Lines of the block currently on screen (TTY only); 0 when text was printed after it. */
  private drawn = 0;
  /** The last appended block's body (pipe only), to append only what changed. */
  private lastBody: string | undefined;

  constructor(private readonly out: OutputStream) {}

  /**
   * Shows the block: a header that may change every time (e.g. an elapsed time) and a body.
   * Appended to a pipe only when the body changed, so a log gets one entry per change.
   */
  show(header: string, body: readonly string[]): void {
    if (this.out.isTTY) {
      const lines = [header, ...body].map((line) => this.fit(line));
      this.out.write(`${this.drawn > 0 ? up(this.drawn) : ''}${lines.join('\n')}\n`);
      this.drawn = lines.length;
      return;
    }
    const key = body.join('\n');
    if (key === this.lastBody) return;
    this.lastBody = key;
    this.out.write(`\n${[header, ...body].join('\n')}\n`);
  }

  /** Text that stays: printed below the current block; the next block starts under it. */
  print(text = ''): void {
    this.out.write(`${text}\n`);
    this.drawn = 0;
  }

  /** A line longer than the terminal wraps, and the redraw would then move up too few lines. */
  private fit(line: string): string {
    const width = this.out.columns;
    if (!width || line.length < width) return line;
    return `${line.slice(0, Math.max(width - 2, 1))}…`;
  }
}
