import { expect } from 'chai';
import type { SandboxCapacity } from '../../../src/api/sandbox-capacity.js';
import { LiveBlock } from '../../../src/demo/live-block.js';
import { watchCapacity, type WatchOptions } from '../../../src/demo/watch.js';

function sc(readyReplicas: number): SandboxCapacity {
  const ready = { type: 'Ready', status: readyReplicas >= 3 ? 'True' : 'False', reason: 'R', message: 'm', lastTransitionTime: '2026-01-01T00:00:00Z' };
  return { apiVersion: 'capacity.sandbox.dev/v1alpha1', kind: 'SandboxCapacity', metadata: { name: 'w', namespace: 'n' },
    spec: { replicas: 3, clusterId: 'c1', paused: false }, status: { readyReplicas, inFlightReplicas: 0, conditions: [ready] } } as SandboxCapacity;
}

/** Answers the reads in order: an object, undefined (404), or an error to throw; then repeats the last. */
function reads(...answers: (SandboxCapacity | undefined | Error)[]): () => Promise<SandboxCapacity | undefined> {
  let i = 0;
  return () => {
    const a = answers[Math.min(i++, answers.length - 1)];
    return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
  };
}

function options(read: WatchOptions['read'], overrides: Partial<WatchOptions> = {}): WatchOptions & { output: () => string; convergedAt: number[] } {
  let text = '';
  const convergedAt: number[] = [];
  const view = new LiveBlock({ write: (c: string) => { text += c; return true; } });
  return {
    read, view, resource: { namespace: 'n', name: 'w' }, manifest: '/repo/examples/minimal.yaml',
    keepWatching: false, timeoutS: 60, signal: new AbortController().signal, pollMs: 1,
    onConverged: (_sc, elapsed) => { convergedAt.push(elapsed); }, ...overrides,
    output: () => text, convergedAt,
  };
}

describe('demo watch loop', () => {
  it('shows a deleted resource as deleted, keeps going, and picks it up when applied again', async () => {
    const o = options(reads(sc(1), undefined, undefined, sc(2), sc(3)));
    expect(await watchCapacity(o)).to.equal('converged');
    expect(o.output()).to.include('deleted — kubectl apply it again');
    expect(o.output().indexOf('ready 2')).to.be.greaterThan(o.output().indexOf('deleted'));
    expect(o.convergedAt).to.have.length(1);
  });

  it('rides out a few failed reads, and fails on errors that last', async () => {
    const blip = new Error('fetch failed');
    expect(await watchCapacity(options(reads(sc(1), blip, blip, sc(3))))).to.equal('converged');
    const err = await watchCapacity(options(reads(sc(1), blip))).then(() => undefined, (e: unknown) => e);
    expect(err).to.equal(blip);
  });

  it('ends quietly as "stopped" on Ctrl-C, even when the read under way fails', async () => {
    const stop = new AbortController();
    const read = (): Promise<SandboxCapacity | undefined> => { stop.abort(); return Promise.reject(new Error('fetch failed')); };
    const o = options(read, { signal: stop.signal, keepWatching: true });
    expect(await watchCapacity(o)).to.equal('stopped');
    expect(o.output()).to.equal('');
  });

  it('keeps watching after convergence when asked, reporting convergence once', async () => {
    const stop = new AbortController();
    let n = 0;
    const read = (): Promise<SandboxCapacity | undefined> => { if (++n === 5) stop.abort(); return Promise.resolve(sc(3)); };
    const o = options(read, { signal: stop.signal, keepWatching: true });
    expect(await watchCapacity(o)).to.equal('stopped');
    expect(o.convergedAt).to.have.length(1);
    expect(n).to.equal(5);
  });

  it('times out when the resource does not converge', async () => {
    expect(await watchCapacity(options(reads(sc(1)), { timeoutS: 0.01, pollMs: 5 }))).to.equal('timed-out');
  });
});
