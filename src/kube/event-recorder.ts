// Records core/v1 Events about our objects (the kind `kubectl describe` lists). Repeats of the same
// event within the dedup window update the existing Event (count + lastTimestamp) instead of
// creating new ones. Recording is best effort: failures are logged, never thrown into a reconcile.
import type { CoreV1Api, CoreV1Event } from '@kubernetes/client-node';
import type { Logger } from 'winston';
import { describeApiError, isNotFound } from './api-errors.js';
import { systemClock, type Clock } from './clock.js';
import {
  eventDedupKey,
  eventName,
  eventNamespace,
  truncateMessage,
  type EventType,
  type InvolvedObject,
} from './event-dedup.js';

export const REPORTING_COMPONENT = 'sandbox-capacity-operator';

export interface EventRecorderOptions {
  core: CoreV1Api;
  logger: Logger;
  clock?: Clock;
  /** reportingInstance, e.g. the pod name. */
  instance?: string;
  /** Repeats within this window are aggregated into one Event; default 10 minutes (client-go). */
  dedupWindowMs?: number;
  /** Aggregation state kept for at most this many distinct events (least recently seen dropped). */
  maxTrackedEvents?: number;
}

interface TrackedEvent {
  name: string;
  namespace: string;
  count: number;
  lastSeenMs: number;
}

export class EventRecorder {
  private readonly clock: Clock;
  private readonly tracked = new Map<string, TrackedEvent>();
  /** Per dedup key, the last recording in progress: repeats are applied one after another. */
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(private readonly options: EventRecorderOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /** Records the event; the promise always resolves (errors are logged). */
  record(obj: InvolvedObject, type: EventType, reason: string, message: string): Promise<void> {
    const text = truncateMessage(message);
    const key = eventDedupKey(obj, type, reason, text);
    const previous = this.inFlight.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.recordNow(key, obj, type, reason, text));
    this.inFlight.set(key, next);
    void next.then(() => {
      if (this.inFlight.get(key) === next) this.inFlight.delete(key);
    });
    return next;
  }

  normal(obj: InvolvedObject, reason: string, message: string): Promise<void> {
    return this.record(obj, 'Normal', reason, message);
  }

  warning(obj: InvolvedObject, reason: string, message: string): Promise<void> {
    return this.record(obj, 'Warning', reason, message);
  }

  private async recordNow(key: string, obj: InvolvedObject, type: EventType, reason: string, message: string): Promise<void> {
    const now = this.clock.now();
    try {
      const tracked = this.tracked.get(key);
      if (tracked && now - tracked.lastSeenMs <= this.windowMs() && (await this.increment(tracked, now))) {
        this.remember(key, tracked);
        return;
      }
      this.remember(key, await this.create(obj, type, reason, message, now));
    } catch (err) {
      this.options.logger.warn('could not record event', {
        reason,
        object: `${obj.kind} ${eventNamespace(obj)}/${obj.name}`,
        error: describeApiError(err),
      });
    }
  }

  /** Bumps count and lastTimestamp; false when the Event is gone (expired by its TTL, deleted). */
  private async increment(tracked: TrackedEvent, now: number): Promise<boolean> {
    const patch = [
      { op: 'replace', path: '/count', value: tracked.count + 1 },
      { op: 'replace', path: '/lastTimestamp', value: new Date(now).toISOString() },
    ];
    try {
      await this.options.core.patchNamespacedEvent({ name: tracked.name, namespace: tracked.namespace, body: patch });
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
    tracked.count += 1;
    tracked.lastSeenMs = now;
    return true;
  }

  private async create(obj: InvolvedObject, type: EventType, reason: string, message: string, now: number): Promise<TrackedEvent> {
    const namespace = eventNamespace(obj);
    const body: CoreV1Event = {
      metadata: { name: eventName(obj, now), namespace },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: obj.name,
        ...(obj.namespace ? { namespace: obj.namespace } : {}),
        ...(obj.uid ? { uid: obj.uid } : {}),
      },
      type,
      reason,
      message,
      count: 1,
      firstTimestamp: new Date(now),
      lastTimestamp: new Date(now),
      source: { component: REPORTING_COMPONENT },
      reportingComponent: REPORTING_COMPONENT,
      reportingInstance: this.options.instance ?? REPORTING_COMPONENT,
    };
    const created = await this.options.core.createNamespacedEvent({ namespace, body });
    return { name: created.metadata.name ?? body.metadata.name ?? '', namespace, count: 1, lastSeenMs: now };
  }

  private remember(key: string, tracked: TrackedEvent): void {
    this.tracked.delete(key);
    this.tracked.set(key, tracked);
    const limit = this.options.maxTrackedEvents ?? 4096;
    for (const oldest of this.tracked.keys()) {
      if (this.tracked.size <= limit) break;
      this.tracked.delete(oldest);
    }
  }

  private windowMs(): number {
    return this.options.dedupWindowMs ?? 10 * 60_000;
  }
}
