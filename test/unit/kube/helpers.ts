import { Writable } from 'node:stream';
import winston, { type Logger } from 'winston';

/** Lets pending promise continuations (and I/O callbacks) run. */
export async function flush(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export interface CapturedLog {
  level: string;
  message: string;
  meta: Record<string, unknown>;
}

/** A winston logger that keeps log entries in memory for assertions. */
export function captureLogger(): { logger: Logger; logs: CapturedLog[] } {
  const logs: CapturedLog[] = [];
  const sink = new Writable({
    objectMode: true,
    write(info: Record<string, unknown>, _encoding, next) {
      const { level, message, ...meta } = info;
      logs.push({ level: String(level), message: String(message), meta });
      next();
    },
  });
  const logger = winston.createLogger({ level: 'debug', transports: [new winston.transports.Stream({ stream: sink })] });
  return { logger, logs };
}

export function silentLogger(): Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console()] });
}
