// /metrics, /healthz and /readyz. Liveness says the process and its event loop answer; readiness
// says the caches have synced and, with leader election, this replica is leading or standing by.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export type Check = () => { ok: boolean; detail: string };

export interface EndpointRoutes {
  registry?: Registry;
  healthz?: Check;
  readyz?: Check;
}

export interface BoundServer {
  server: Server;
  address: string;
  close(): Promise<void>;
}

/** "host:port" or ":port" (all interfaces, as in controller-runtime); "0" disables the server. */
export function parseBindAddress(bind: string): { host: string; port: number } | undefined {
  if (bind === '0' || bind === '') return undefined;
  const i = bind.lastIndexOf(':');
  const host = i > 0 ? bind.slice(0, i) : '0.0.0.0';
  return { host, port: Number(bind.slice(i + 1)) };
}

export async function serveEndpoints(bind: string, routes: EndpointRoutes): Promise<BoundServer | undefined> {
  const at = parseBindAddress(bind);
  if (!at) return undefined;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const check = path === '/healthz' ? routes.healthz : path === '/readyz' ? routes.readyz : undefined;
    if (check) {
      const { ok, detail } = check();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(`${ok ? 'ok' : 'not ok'}: ${detail}\n`);
      return;
    }
    if (path === '/metrics' && routes.registry) {
      const registry = routes.registry;
      registry.metrics().then(
        (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
        (err: unknown) => res.writeHead(500).end(String(err)),
      );
      return;
    }
    res.writeHead(404).end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    server,
    address: `${address}:${port}`,
    close: () => new Promise((resolve) => { server.close(() => { resolve(); }); server.closeAllConnections(); }),
  };
}
