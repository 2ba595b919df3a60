// The root winston logger, built once in main.ts and passed down; each reconcile gets a child
// logger carrying the resource key and a reconcile id. One JSON object per line, starting with
// timestamp, level and message (what a human scanning `kubectl logs` reads first), then the
// fields in the order the code gave them. Messages are constant; what varies goes in fields.
import winston from 'winston';
import { redact } from './redact.js';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

const FIXED = new Set(['timestamp', 'level', 'message']);
// winston's own key for the arguments after the message (triple-beam's SPLAT).
const SPLAT = Symbol.for('splat');

type Info = winston.Logform.TransformableInfo & { [SPLAT]?: unknown[] };

const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (FIXED.has(key)) continue;
    info[key] = (redact({ [key]: info[key] }) as Record<string, unknown>)[key];
  }
  return info;
});

/**
 * winston appends a `message` field of the metadata (or an Error's message) to the message text:
 * logger.warn('call failed', { message: 'sold out' }) would log "call failed sold out". Split it
 * back so the message stays constant and the detail becomes a field (`error` for an Error).
 */
const keepMessageConstant = winston.format((info: Info) => {
  const meta = info[SPLAT]?.[0];
  if (typeof meta !== 'object' || meta === null) return info;
  const detail = (meta as { message?: unknown }).message;
  const text = info.message;
  if (typeof detail !== 'string' || detail === '' || typeof text !== 'string' || !text.endsWith(` ${detail}`)) return info;
  info.message = text.slice(0, -detail.length - 1);
  info[meta instanceof Error ? 'error' : 'detail'] = detail;
  return info;
});

/** Rebuilds the info's string keys in log order (symbol keys, which winston needs, stay). */
const orderFields = winston.format((info) => {
  const { timestamp, level, message, ...rest } = info as Record<string, unknown>;
  for (const key of Object.keys(info)) Reflect.deleteProperty(info, key);
  Object.assign(info, { timestamp, level, message }, rest);
  return info;
});

function lineFormat(): winston.Logform.Format {
  return winston.format.combine(
    keepMessageConstant(),
    redactFormat(),
    winston.format.timestamp(),
    orderFields(),
    // deterministic: false keeps insertion order (the default sorts keys alphabetically).
    winston.format.json({ deterministic: false }),
  );
}

export function createLogger(level: LogLevel, stream?: NodeJS.WritableStream): winston.Logger {
  const transport = stream
    ? new winston.transports.Stream({ stream })
    : new winston.transports.Console({ stderrLevels: [] });
  return winston.createLogger({ level, format: lineFormat(), transports: [transport] });
}
