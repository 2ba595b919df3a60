// Pure pieces of event recording: which events count as "the same" (and are aggregated into one
// Event with a growing count, like client-go), how long a message may be, how Events are named.

export interface InvolvedObject {
  apiVersion: string;
  kind: string;
  name: string;
  /** Omitted for cluster-scoped objects (their Events go to the "default" namespace). */
  namespace?: string;
  uid?: string;
}

export type EventType = 'Normal' | 'Warning';

/** client-go's limit for Event messages. */
export const MAX_EVENT_MESSAGE_BYTES = 1024;
const ELLIPSIS = '...';

/** Cuts the message to at most maxBytes of UTF-8 (never inside a character), marking the cut. */
export function truncateMessage(message: string, maxBytes = MAX_EVENT_MESSAGE_BYTES): string {
  if (Buffer.byteLength(message, 'utf8') <= maxBytes) return message;
  const budget = maxBytes - ELLIPSIS.length;
  let bytes = 0;
  let end = 0;
  for (const char of message) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > budget) break;
    bytes += size;
    end += char.length;
  }
  return message.slice(0, end) + ELLIPSIS;
}

export function eventNamespace(obj: InvolvedObject): string {
  return obj.namespace ?? 'default';
}

/** Same object (uid included: a recreated object is a new one), type, reason and message. */
export function eventDedupKey(obj: InvolvedObject, type: EventType, reason: string, message: string): string {
  return JSON.stringify([obj.apiVersion, obj.kind, eventNamespace(obj), obj.name, obj.uid ?? '', type, reason, message]);
}

const MAX_NAME_LENGTH = 253;

/** "<object name>.<hex time><hex random>": unique, and sorted by time like client-go's names. */
export function eventName(obj: InvolvedObject, nowMs: number, random: () => number = Math.random): string {
  const suffix = `.${nowMs.toString(16)}${Math.floor(random() * 0x10000).toString(16).padStart(4, '0')}`;
  return obj.name.slice(0, MAX_NAME_LENGTH - suffix.length) + suffix;
}
