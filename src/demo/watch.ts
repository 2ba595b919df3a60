// The demo's live view: reads the SandboxCapacity once a second and shows it until it converges
// (and, unless told to exit then, afterwards too). People play with the demo, so a deleted
// resource is a state to show ("apply it again"), not an error; Ctrl-C ends the loop quietly.
import { setTimeout as sleep } from 'node:timers/promises';
import type { SandboxCapacity } from '../api/sandbox-capacity.js';
import type { LiveBlock } from './live-block.js';
import { isConverged, renderCapacity, renderDeleted } from './live-view.js';

export interface WatchOptions {
  /** The resource, or undefined when it does not exist (deleted). */
  read: () => Promise<SandboxCapacity | undefined>;
  resource: { namespace: string; name: string };
  /** What to apply to bring a deleted resource back. */
  manifest: string;
  view: LiveBlock;
  /** Keep showing the resource after it converged (until Ctrl-C). */
  keepWatching: boolean;
  /** Give up when it has not converged by then. */
  timeoutS: number;
  /** Ctrl-C. */
  signal: AbortSignal;
  /** Called once, when the resource first converges. */
  onConverged: (sc: SandboxCapacity, elapsedS: number) => void;
  pollMs?: number;
}

export type WatchOutcome = 'converged' | 'timed-out' | 'stopped';

// Reads may fail for a moment: on Ctrl-C the terminal signals kube-apiserver too, and it can go
// before the demo has seen the signal. Only errors that last are the demo's failure.
const MAX_FAILED_READS = 5;

interface LoopState {
  converged: boolean;
  failedReads: number;
}

/** Shows one read; an outcome when the loop is done. */
function afterRead(o: WatchOptions, state: LoopState, read: { sc: SandboxCapacity | undefined } | { err: unknown }, elapsed: number): WatchOutcome | undefined {
  if ('err' in read) {
    state.failedReads += 1;
    if (state.failedReads >= MAX_FAILED_READS) throw read.err;
    return undefined;
  }
  state.failedReads = 0;
  const { sc } = read;
  const view = sc ? renderCapacity(sc, elapsed) : renderDeleted(o.resource, o.manifest, elapsed);
  o.view.show(view.header, view.body);
  if (sc && !state.converged && isConverged(sc)) {
    state.converged = true;
    o.onConverged(sc, elapsed);
    if (!o.keepWatching) return 'converged';
  }
  return undefined;
}

export async function watchCapacity(o: WatchOptions): Promise<WatchOutcome> {
  const started = Date.now();
  const state: LoopState = { converged: false, failedReads: 0 };
  const stopped = (): boolean => o.signal.aborted; // read again after each await: Ctrl-C comes any time
  while (!stopped()) {
    const read = await o.read().then((sc) => ({ sc }), (err: unknown) => ({ err }));
    if (stopped()) break;
    const elapsed = (Date.now() - started) / 1000;
    const outcome = afterRead(o, state, read, elapsed);
    if (outcome) return outcome;
    if (!state.converged && elapsed > o.timeoutS) return 'timed-out';
    await sleep(o.pollMs ?? 1000, undefined, { signal: o.signal }).catch(() => undefined);
  }
  return 'stopped';
}
