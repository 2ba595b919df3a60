import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  contentType: string | undefined;
  authorization: string | undefined;
  userAgent: string | undefined;
  body: unknown;
}

export interface Answer {
  status: number;
  body: unknown;
}

/** A plain-HTTP stand-in (client-node allows http:// only with skipTLSVerify) that records each request and answers with `answer(request)`. */
export class RecordingServer {
  readonly requests: RecordedRequest[] = [];
  answer: (request: RecordedRequest) => Answer = () => ({ status: 200, body: {} });
  private server: Server | undefined;
  private port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const recorded: RecordedRequest = {
          method: req.method ?? '', url: req.url ?? '', contentType: req.headers['content-type'],
          authorization: req.headers.authorization, userAgent: req.headers['user-agent'], body: text === '' ? undefined : JSON.parse(text) as unknown,
        };
        this.requests.push(recorded);
        const { status, body } = this.answer(recorded);
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  kubeConfig(kc: KubeConfig = new KubeConfig()): KubeConfig {
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${this.port}`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 'test-token' }],
      contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
      currentContext: 'ctx',
    });
    return kc;
  }
}
