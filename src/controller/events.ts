import type { SandboxCapacity } from '../api/sandbox-capacity.js';
import type { PlannedEvent } from './core/index.js';

/** Where the shell sends the core's planned Events (the Kubernetes EventRecorder in production). */
export interface EventSink {
  record(obj: { apiVersion: string; kind: string; name: string; namespace: string; uid?: string }, type: PlannedEvent['type'], reason: string, message: string): Promise<void>;
}

export async function recordAll(sink: EventSink, sc: SandboxCapacity, events: readonly PlannedEvent[]): Promise<void> {
  const involved = { apiVersion: sc.apiVersion, kind: sc.kind, name: sc.metadata.name, namespace: sc.metadata.namespace, uid: sc.metadata.uid };
  for (const e of events) await sink.record(involved, e.type, e.reason, e.message);
}
