import { KubeConfig } from '@kubernetes/client-node';
import { createServer, connect, type Socket } from 'node:net';
import winston, { type Logger } from 'winston';

export function silentLogger(): Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console()] });
}

/** Polls until the predicate holds (real time: integration tests talk to a real server). */
export async function waitFor(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 20_000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface TcpProxy {
  url: string;
  /** Refuses new connections and kills open ones: the API server becomes unreachable through it. */
  cut(): Promise<void>;
}

/** A TCP forwarder on 127.0.0.1 to the API server, so one client's connectivity can be cut. */
export async function startTcpProxy(target: URL): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => { client.destroy(); upstream.destroy(); });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');
  return {
    url: `https://127.0.0.1:${address.port}`,
    cut: () => new Promise<void>((resolve) => {
      server.close(() => { resolve(); });
      for (const socket of sockets) socket.destroy();
    }),
  };
}

/** A copy of the kubeconfig talking to another server URL (same credentials and CA). */
export function kubeConfigWithServer(source: KubeConfig, server: string): KubeConfig {
  const copy = new KubeConfig();
  copy.loadFromString(source.exportConfig());
  copy.loadFromOptions({
    clusters: copy.clusters.map((cluster) => ({ ...cluster, server })),
    users: copy.users,
    contexts: copy.contexts,
    currentContext: copy.currentContext,
  });
  return copy;
}
