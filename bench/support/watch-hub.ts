// The bare watch clients of a latency run: one on the SandboxCapacities of the bench namespace, one
// on the sandbox Nodes (the operator's own Node selector). A sample registers what it expects before
// it writes, and gets back the time the matching event was parsed here.
import type { BareWatch, KubeHttp, WatchEvent } from './kube-http.js';
import { capacityPath } from './fleet.js';
import { SANDBOX_RUNTIME_LABEL } from './node-factory.js';

export type Stream = 'capacities' | 'nodes';

interface Expectation {
  stream: Stream;
  match: (event: WatchEvent) => boolean;
  resolve: (receivedAt: number) => void;
}

export class WatchHub {
  private readonly expectations = new Set<Expectation>();
  private readonly watches: BareWatch[] = [];
  events = 0;

  static async start(kube: KubeHttp, namespace: string): Promise<WatchHub> {
    const hub = new WatchHub();
    hub.watches.push(await kube.watch(capacityPath(namespace), {}, (e, at) => { hub.deliver('capacities', e, at); }));
    hub.watches.push(await kube.watch('/api/v1/nodes', { labelSelector: SANDBOX_RUNTIME_LABEL }, (e, at) => { hub.deliver('nodes', e, at); }));
    return hub;
  }

  /** Resolves with the receive time of the first event from now on that matches. */
  expect(stream: Stream, match: (event: WatchEvent) => boolean, timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const expectation: Expectation = {
        stream, match,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
      const timer = setTimeout(() => {
        this.expectations.delete(expectation);
        reject(new Error(`no matching ${stream} watch event`));
      }, timeoutMs);
      this.expectations.add(expectation);
    });
  }

  stop(): void {
    for (const w of this.watches) w.stop();
  }

  private deliver(stream: Stream, event: WatchEvent, receivedAt: number): void {
    this.events++;
    for (const e of [...this.expectations]) {
      if (e.stream !== stream || !e.match(event)) continue;
      this.expectations.delete(e);
      e.resolve(receivedAt);
    }
  }
}
