// A TCP forwarder on 127.0.0.1 in front of the kube-apiserver. The controller under test talks to
// the API server through it, so the chaos suite can cut every open connection of that controller
// (its watches, its requests in flight) while it keeps accepting new ones, like a flaky network
// path or a load balancer that drops idle streams; and it can hold back what the controller sends
// (a slow API server), which widens the window in which a status write is in flight.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface CuttableProxy {
  port: number;
  /** Destroys every open connection; new connections are still accepted. Returns how many were cut. */
  cutAll(): number;
  /** Delays every byte the controller sends to the API server by this much (order kept); 0 = none. */
  setLatency(ms: number): void;
  close(): Promise<void>;
}

export async function startCuttableProxy(targetHost: string, targetPort: number): Promise<CuttableProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let latencyMs = 0;
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, targetHost);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const drop = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of pair) {
      socket.on('error', drop);
      socket.on('close', drop);
    }
    let lastDelivery = 0;
    client.on('data', (chunk: Buffer) => {
      const deliverAt = Math.max(Date.now() + latencyMs, lastDelivery);
      lastDelivery = deliverAt;
      if (deliverAt <= Date.now()) {
        upstream.write(chunk);
        return;
      }
      setTimeout(() => { if (!upstream.destroyed) upstream.write(chunk); }, deliverAt - Date.now());
    });
    client.on('end', () => { setTimeout(() => { upstream.end(); }, Math.max(0, lastDelivery - Date.now())); });
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no TCP address');
  return {
    port: address.port,
    cutAll() {
      const cut = pairs.size;
      for (const [client, upstream] of [...pairs]) {
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
      return cut;
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    close() {
      return new Promise((resolve) => {
        for (const [client, upstream] of pairs) {
          client.destroy();
          upstream.destroy();
        }
        server.close(() => { resolve(); });
      });
    },
  };
}
