// The record of ACK calls the simulator received, for tests and for people asking "what did the
// operator just do?". Bodies are stored with passwords and secrets redacted.

export interface RecordedRequest {
  seq: number;
  /** Simulator clock, ISO 8601. */
  time: string;
  method: string;
  path: string;
  query: Record<string, string>;
  /** The route's action, or the x-acs-action header when no route matched. */
  action?: string;
  accessKeyId?: string;
  body?: unknown;
  /** "valid", or the error code the signature check refused the call with. */
  signature: string;
  /** HTTP status sent; 0 when no answer was sent (lost-response timeout or reset). */
  status: number;
  code?: string;
  requestId: string;
  taskId?: string;
  /** Kinds of the injected faults that applied to this call. */
  faults: string[];
}

export interface RequestFilter {
  action?: string;
  /** Only records with seq greater than this. */
  since?: number;
}

export class RequestRecorder {
  private entries: RecordedRequest[] = [];
  private nextSeq = 1;

  constructor(private readonly limit: number) {}

  record(entry: Omit<RecordedRequest, 'seq'>): RecordedRequest {
    const recorded = { ...entry, seq: this.nextSeq++ };
    this.entries.push(recorded);
    if (this.entries.length > this.limit) {
      this.entries = this.entries.slice(this.entries.length - this.limit);
    }
    return recorded;
  }

  list(filter: RequestFilter = {}): RecordedRequest[] {
    return this.entries.filter(
      (entry) =>
        (filter.action === undefined || entry.action === filter.action) &&
        (filter.since === undefined || entry.seq > filter.since),
    );
  }

  clear(): void {
    this.entries = [];
  }
}
