// The root winston logger, built once in main.ts and passed down; each reconcile gets a child
// logger carrying the resource key and a reconcile id.
import winston from 'winston';
import { redact } from './redact.js';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'message' || key === 'timestamp') continue;
    info[key] = (redact({ [key]: info[key] }) as Record<string, unknown>)[key];
  }
  return info;
});

export function createLogger(level: LogLevel, stream?: NodeJS.WritableStream): winston.Logger {
  const transport = stream
    ? new winston.transports.Stream({ stream })
    : new winston.transports.Console({ stderrLevels: [] });
  return winston.createLogger({
    level,
    format: winston.format.combine(redactFormat(), winston.format.timestamp(), winston.format.json()),
    transports: [transport],
  });
}
