// When each ACK call reached the simulator, at sub-millisecond resolution. The simulator records
// `time` with millisecond precision; it also logs every call ("ack call", with its requestId) right
// after recording it, synchronously, so a log format on the logger handed to startAckSimulator (its
// public API) timestamps the arrival on the bench's own clock.
import { Writable } from 'node:stream';
import winston from 'winston';
import type { AckSimulator, RecordedRequest } from '../../src/simulator/index.js';
import { nowMs } from './clock.js';

export interface Arrival {
  /** Epoch ms (fractional) when the simulator finished checking and recording the call. */
  at: number;
  record: RecordedRequest;
}

export class CloudArrivals {
  private sim: AckSimulator | undefined;
  private lastSeq = 0;
  private readonly listeners = new Set<(arrival: Arrival) => void>();
  /** Largest |hook time − recorded time| seen, in ms: shows the two clocks agree. */
  maxSkewMs = 0;

  /** The logger to pass as startAckSimulator({ logger }). */
  logger(): winston.Logger {
    const hook = winston.format((info) => {
      if (info.message === 'ack call' && typeof info.requestId === 'string') this.arrived(info.requestId, nowMs());
      return false;
    });
    const sink = new Writable({ objectMode: true, write: (_chunk, _encoding, done) => { done(); } });
    return winston.createLogger({ level: 'info', format: hook(), transports: [new winston.transports.Stream({ stream: sink })] });
  }

  attach(sim: AckSimulator): void {
    this.sim = sim;
  }

  /** Calls `listener` for every call from now on; returns the unsubscribe function. */
  subscribe(listener: (arrival: Arrival) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with the first call after now for which `match` holds. */
  next(match: (record: RecordedRequest) => boolean, timeoutMs: number): Promise<Arrival> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error('no matching ACK call arrived'));
      }, timeoutMs);
      const unsubscribe = this.subscribe((arrival) => {
        if (!match(arrival.record)) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(arrival);
      });
    });
  }

  private arrived(requestId: string, at: number): void {
    if (!this.sim) return;
    const fresh = this.sim.control.requests({ since: this.lastSeq });
    for (const record of fresh) this.lastSeq = Math.max(this.lastSeq, record.seq);
    const record = fresh.find((r) => r.requestId === requestId);
    if (!record) return;
    this.maxSkewMs = Math.max(this.maxSkewMs, Math.abs(at - Date.parse(record.time)));
    for (const listener of [...this.listeners]) listener({ at, record });
  }
}

/** The cluster id a call names (ScaleOutCluster, DescribeClusterTasks, DescribeClusterNodes), if any. */
export function clusterOf(record: RecordedRequest): string | undefined {
  return /^\/(?:api\/v2\/)?clusters\/([^/]+)/.exec(record.path)?.[1];
}
