// The cloud call budget: qps and burst hold, requests (ScaleOutCluster) go before reads when calls
// queue, first come first served within each kind, and reads take every token once no request waits.
import { expect } from 'chai';
import { TokenBucketCallBudget, type CallKind } from '../../../src/cloud/call-budget.js';
import { FakeClock } from '../../../src/kube/fake-clock.js';

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('TokenBucketCallBudget', () => {
  let clock: FakeClock;
  let budget: TokenBucketCallBudget;
  let granted: string[];

  function ask(name: string, kind: CallKind): void {
    void budget.acquire(kind).then(() => { granted.push(name); });
  }

  beforeEach(() => {
    clock = new FakeClock();
    budget = new TokenBucketCallBudget(clock, { qps: 5, burst: 2 });
    granted = [];
  });

  it('spends the burst at once, then one token per 1/qps', async () => {
    for (const name of ['a', 'b', 'c', 'd']) ask(name, 'read');
    await settle();
    expect(granted).to.deep.equal(['a', 'b']);
    clock.advance(199);
    await settle();
    expect(granted).to.deep.equal(['a', 'b']);
    clock.advance(1);
    await settle();
    expect(granted).to.deep.equal(['a', 'b', 'c']);
    clock.advance(200);
    await settle();
    expect(granted).to.deep.equal(['a', 'b', 'c', 'd']);
  });

  it('gives the next token to a waiting request before any waiting read, first come first served within each kind', async () => {
    ask('r1', 'read');
    ask('r2', 'read');
    ask('r3', 'read');
    ask('r4', 'read');
    ask('s1', 'request');
    ask('s2', 'request');
    await settle();
    expect(granted).to.deep.equal(['r1', 'r2']);
    clock.advance(200);
    await settle();
    clock.advance(200);
    await settle();
    expect(granted).to.deep.equal(['r1', 'r2', 's1', 's2']);
    expect(budget.waitingCalls()).to.deep.equal({ request: 0, read: 2 });
    clock.advance(400);
    await settle();
    expect(granted).to.deep.equal(['r1', 'r2', 's1', 's2', 'r3', 'r4']);
  });

  it('queues a call that asks while others wait, even with part of a token refilled (a request still goes first)', async () => {
    ask('a', 'read');
    ask('b', 'read');
    ask('c', 'read');
    await settle();
    clock.advance(100); // half a token: c still waits
    ask('d', 'request');
    await settle();
    expect(granted).to.deep.equal(['a', 'b']);
    clock.advance(100);
    await settle();
    expect(granted).to.deep.equal(['a', 'b', 'd']);
    clock.advance(200);
    await settle();
    expect(granted).to.deep.equal(['a', 'b', 'd', 'c']);
  });

  it('stays inside the budget over a long queue: n calls after the burst take (n − burst) / qps seconds', async () => {
    for (let i = 0; i < 52; i++) ask(`r${i}`, i % 2 === 0 ? 'read' : 'request');
    await settle();
    expect(granted).to.have.length(2);
    for (let t = 0; t < 50; t++) {
      clock.advance(200);
      await settle();
      expect(granted).to.have.length(3 + t);
    }
  });
});
