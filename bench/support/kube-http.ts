// A minimal Kubernetes HTTP client for the benchmarks: raw JSON over one keep-alive HTTPS agent, so
// bulk loading is cheap and a write can be timestamped right before its bytes are sent. Its watch is
// the "bare watch client" whose delivery latency is the physical limit the operator is compared to.
import type { KubeConfig } from '@kubernetes/client-node';
import { Agent, request as httpsRequest, type RequestOptions } from 'node:https';
import { nowMs } from './clock.js';

export interface KubeResponse<T = unknown> {
  status: number;
  body: T;
}

export interface WatchEvent {
  type: string;
  object: { metadata?: { name?: string; resourceVersion?: string; generation?: number }; spec?: Record<string, unknown> };
}

export interface BareWatch {
  /** Resolves once the server accepted the watch (headers received). */
  readonly started: Promise<void>;
  stop(): void;
}

export class KubeApiError extends Error {
  constructor(readonly status: number, readonly method: string, readonly path: string, readonly body: string) {
    super(`${method} ${path} → ${status}: ${body.slice(0, 300)}`);
  }
}

export class KubeHttp {
  private readonly agent: Agent;
  private readonly watchAgent: Agent;
  private readonly base: URL;
  private readonly token: string;

  constructor(kubeConfig: KubeConfig, maxSockets = 32) {
    const cluster = kubeConfig.getCurrentCluster();
    const user = kubeConfig.getCurrentUser();
    if (!cluster?.caData || !user?.token) throw new Error('the bench needs a kubeconfig with certificate-authority-data and a token');
    const ca = Buffer.from(cluster.caData, 'base64').toString('utf8');
    this.base = new URL(cluster.server);
    this.token = user.token;
    this.agent = new Agent({ keepAlive: true, maxSockets, ca });
    this.watchAgent = new Agent({ keepAlive: false, ca });
  }

  private options(method: string, path: string, agent: Agent, contentType?: string): RequestOptions {
    return {
      method, agent, host: this.base.hostname, port: this.base.port, path,
      headers: {
        authorization: `Bearer ${this.token}`, accept: 'application/json',
        ...(contentType ? { 'content-type': contentType } : {}),
      },
    };
  }

  /** Sends one request; `onSend` is called just before the body is written (the write's timestamp). */
  request<T = unknown>(method: string, path: string, body?: unknown, opts: { contentType?: string; onSend?: () => void } = {}): Promise<KubeResponse<T>> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const contentType = payload === undefined ? undefined : (opts.contentType ?? 'application/json');
    return new Promise((resolve, reject) => {
      const req = httpsRequest(this.options(method, path, this.agent, contentType), (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status >= 300) {
            reject(new KubeApiError(status, method, path, text));
            return;
          }
          resolve({ status, body: (text ? JSON.parse(text) : undefined) as T });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${path}: timed out`)));
      opts.onSend?.();
      req.end(payload);
    });
  }

  async get<T = unknown>(path: string): Promise<T> {
    return (await this.request<T>('GET', path)).body;
  }

  /** Deletes; a 404 counts as done. */
  async delete(path: string, onSend?: () => void): Promise<void> {
    try {
      await this.request('DELETE', path, undefined, onSend ? { onSend } : {});
    } catch (err) {
      if (!(err instanceof KubeApiError && err.status === 404)) throw err;
    }
  }

  /**
   * A watch stream from "now" (resourceVersion of a fresh list, so no replay): every event is handed
   * over with the high-resolution time its line was parsed.
   */
  async watch(collectionPath: string, query: Record<string, string>, onEvent: (event: WatchEvent, receivedAt: number) => void): Promise<BareWatch> {
    const listQuery = new URLSearchParams({ ...query, limit: '1' });
    const list = await this.get<{ metadata: { resourceVersion: string } }>(`${collectionPath}?${listQuery.toString()}`);
    const watchQuery = new URLSearchParams({ ...query, watch: '1', allowWatchBookmarks: 'false', resourceVersion: list.metadata.resourceVersion, timeoutSeconds: '3600' });
    let req: ReturnType<typeof httpsRequest> | undefined;
    const started = new Promise<void>((resolve, reject) => {
      req = httpsRequest(this.options('GET', `${collectionPath}?${watchQuery.toString()}`, this.watchAgent), (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`watch ${collectionPath}: HTTP ${res.statusCode ?? 0}`));
          res.resume();
          return;
        }
        resolve();
        let pending = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          const receivedAt = nowMs();
          pending += chunk;
          let newline = pending.indexOf('\n');
          while (newline >= 0) {
            const line = pending.slice(0, newline);
            pending = pending.slice(newline + 1);
            if (line.trim() !== '') onEvent(JSON.parse(line) as WatchEvent, receivedAt);
            newline = pending.indexOf('\n');
          }
        });
      });
      req.on('error', reject);
      req.end();
    });
    await started;
    return { started, stop: () => { req?.destroy(); } };
  }

  close(): void {
    this.agent.destroy();
    this.watchAgent.destroy();
  }
}
