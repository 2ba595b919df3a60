// Writing answers. Every ACK answer is JSON except the injected non-JSON fault; writes to a socket
// the client already dropped (it timed out) are skipped rather than thrown.
import type { ServerResponse } from 'node:http';

export const JSON_CONTENT_TYPE = 'application/json;charset=utf-8';

function isWritable(response: ServerResponse): boolean {
  return !response.writableEnded && !response.destroyed;
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (!isWritable(response)) {
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    'content-type': JSON_CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

export function sendText(response: ServerResponse, status: number, contentType: string, text: string): void {
  if (!isWritable(response)) {
    return;
  }
  response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
