import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';

/** A port the OS just handed out on 127.0.0.1. Racy by nature; callers retry a start that hits EADDRINUSE. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => { resolve(port); });
    });
  });
}

export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, failFast?: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const fatal = failFast?.();
    if (fatal !== undefined) throw new Error(`${what}: ${fatal}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs / 1000}s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** GET of a health endpoint: its status and body, or status 0 when nothing answered. */
export function probeText(url: string, ca?: string, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const onResponse = (res: IncomingMessage): void => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body }); });
    };
    const req = url.startsWith('https:')
      ? httpsGet(url, { ca, headers: token ? { authorization: `Bearer ${token}` } : {} }, onResponse)
      : httpGet(url, onResponse);
    req.on('error', () => { resolve({ status: 0, body: '' }); });
    req.setTimeout(5000, () => req.destroy());
  });
}

export async function probe(url: string, ca?: string, token?: string): Promise<boolean> {
  return (await probeText(url, ca, token)).status === 200;
}
