// The finalizer that keeps a resource's ledger alive while its requests may still deliver nodes.
//   - added right before the first request is written (an idle resource never carries it);
//   - on deletion, held until no record is unfinished (Requesting, Running, TimedOut): until then the
//     resource keeps following its tasks and requests nothing new (verdict rule "Deleting");
//   - released at once when a human sets the annotation capacity.sandbox.dev/abandon-in-flight=true
//     (Event InFlightAbandoned names what is let go; a resource applied again finds it by the owner tag).
import { ABANDON_ANNOTATION, LEDGER_FINALIZER, type SandboxCapacity } from '../api/sandbox-capacity.js';
import type { StatusStore } from '../kube/status-store.js';
import { EventReason, isUnfinished, plural, type PlannedEvent } from './core/index.js';

function finalizersOf(sc: SandboxCapacity): string[] {
  return sc.metadata.finalizers ?? [];
}

/** The resource with our finalizer (written only when it is missing). */
export async function holdLedger(store: StatusStore, sc: SandboxCapacity): Promise<SandboxCapacity> {
  if (finalizersOf(sc).includes(LEDGER_FINALIZER) || sc.metadata.deletionTimestamp !== undefined) return sc;
  return store.writeFinalizers(sc, [...finalizersOf(sc), LEDGER_FINALIZER]);
}

/** On a deleted resource: lets go of our finalizer when nothing is in flight, or when a human abandons it. */
export async function releaseLedgerIfDone(store: StatusStore, sc: SandboxCapacity): Promise<PlannedEvent[]> {
  if (sc.metadata.deletionTimestamp === undefined || !finalizersOf(sc).includes(LEDGER_FINALIZER)) return [];
  const unfinished = (sc.status?.tasks ?? []).filter((record) => isUnfinished(record.state));
  const abandon = sc.metadata.annotations?.[ABANDON_ANNOTATION] === 'true';
  if (unfinished.length > 0 && !abandon) return [];
  await store.writeFinalizers(sc, finalizersOf(sc).filter((f) => f !== LEDGER_FINALIZER));
  if (unfinished.length === 0) return [];
  const labels = unfinished.map((r) => `${r.taskId ?? `intent ${r.intentId}`} (${plural(r.count, 'node')}, ${r.state})`).join(', ');
  return [{ type: 'Warning', reason: EventReason.InFlightAbandoned, message: `deleted with requests in flight, abandoned by ${ABANDON_ANNOTATION}: ${labels}; a SandboxCapacity applied again under this name adopts them from ACK` }];
}
