// Request bodies. Node's HTTP parser removes the chunked transfer encoding the SDK uses for POST
// bodies (ack-api.md §0), so this only collects the bytes and bounds their size.
import type { IncomingMessage } from 'node:http';
import { AckError } from './errors.js';

export const MAX_BODY_BYTES = 1024 * 1024;

export function readBody(request: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
      }
    });
    request.on('end', () => {
      if (size > maxBytes) {
        reject(new AckError(413, 'RequestEntityTooLarge', `request body exceeds ${maxBytes} bytes`));
        return;
      }
      resolve(Buffer.concat(chunks));
    });
    request.on('error', reject);
  });
}

/** The recorded form of a body: parsed JSON when it is JSON, else its first characters. */
export function bodyForRecord(body: Buffer): unknown {
  if (body.length === 0) {
    return undefined;
  }
  const text = body.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text.slice(0, 512);
  }
}
