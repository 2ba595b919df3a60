import { expect } from 'chai';
import { CLUSTER_ID, startHarness, type Harness } from './support/harness.js';
import { detail, POOL, POOL_CLUSTER, poolNodes, setDesired } from './support/node-pools.js';
import { rejectionOf } from './support/sdk.js';

describe('simulator admin API (/_sim): node pools', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness({ taskDurationMs: 2000, joinDelayMs: 1000 });
  });

  afterEach(async () => {
    await h.sim.close();
  });

  async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${h.sim.url}/_sim${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  const pools = `/clusters/${CLUSTER_ID}/nodepools`;

  it('every cluster starts with one eligible sandbox pool of desired size 0', async () => {
    const listed = (await admin('GET', pools)).body as unknown as Record<string, unknown>[];
    expect(listed).to.have.length(1);
    expect(listed[0]).to.deep.include({ type: 'ess', runtime: 'Sandboxed-Container.runv', autoScaling: false, autoMode: false, desiredSize: 0, state: 'active' });
    expect(listed[0]?.nodepoolId).to.match(/^np[0-9a-f]{32}$/);
    const cluster = (await admin('GET', `/clusters/${CLUSTER_ID}`)).body;
    expect(cluster.nodePoolIds).to.deep.equal([listed[0]?.nodepoolId]);
  });

  it('pool ids stay the same across reset', async () => {
    const before = h.sim.control.listNodePools(CLUSTER_ID)?.map((pool) => pool.nodepoolId);
    await admin('POST', '/reset');
    expect(h.sim.control.listNodePools(CLUSTER_ID)?.map((pool) => pool.nodepoolId)).to.deep.equal(before);
  });

  it('adds pools (ineligible ones too) that ACK calls then see, and refuses bad ones naming the field', async () => {
    const added = await admin('POST', pools, { nodepoolId: 'np-auto', name: 'autoscaled', autoScaling: true, runtime: 'containerd', type: 'lingjun' });
    expect(added.status).to.equal(201);
    expect(added.body).to.deep.include({ nodepoolId: 'np-auto', autoScaling: true, runtime: 'containerd', type: 'lingjun' });
    expect((await detail(h, 'np-auto')).autoScaling?.enable).to.equal(true);
    const duplicate = await admin('POST', pools, { nodepoolId: 'np-auto' });
    expect(duplicate.status).to.equal(400);
    expect(duplicate.body.message).to.include('np-auto already exists');
    expect(((await admin('POST', pools, { type: 'gpu' })).body.message)).to.include('node pool type must be one of ess, edge, lingjun');
    expect(((await admin('POST', pools, { vswitchIds: [] })).body.message)).to.include('vswitchIds');
    expect((await admin('POST', '/clusters/c-none/nodepools', {})).status).to.equal(404);
  });

  it('PATCH desiredSize resizes out of band and answers with the pool and its task', async () => {
    await admin('POST', pools, { nodepoolId: POOL });
    const patched = await admin('PATCH', `${pools}/${POOL}`, { desiredSize: 2 });
    expect(patched.status).to.equal(200);
    expect(patched.body).to.deep.include({ desiredSize: 2, state: 'scaling' });
    expect((patched.body.task as Record<string, unknown>).taskType).to.equal('nodepool_update');
    expect((await poolNodes(h)).map((node) => node.state)).to.deep.equal(['initial', 'initial']);
  });

  it('PATCH state holds the pool busy and active releases it; a bad state is refused', async () => {
    await admin('POST', pools, { nodepoolId: POOL });
    expect((await admin('PATCH', `${pools}/${POOL}`, { state: 'removing' })).body).to.deep.include({ state: 'removing', heldState: 'removing' });
    expect((await rejectionOf(() => setDesired(h, 1))).code).to.equal('InvalidStatus.NodePool');
    expect((await admin('PATCH', `${pools}/${POOL}`, { state: 'active' })).body).to.deep.include({ state: 'active', heldState: null });
    await setDesired(h, 1);
    expect((await admin('PATCH', `${pools}/${POOL}`, { state: 'asleep' })).status).to.equal(400);
  });

  it('PATCH configuration turns a pool ineligible, as a user changing it in the console would', async () => {
    await admin('POST', pools, { nodepoolId: POOL });
    expect((await admin('PATCH', `${pools}/${POOL}`, { autoScaling: true, maxInstances: 8 })).body).to.deep.include({ autoScaling: true, maxInstances: 8 });
    expect((await detail(h)).autoScaling).to.deep.include({ enable: true, maxInstances: 8 });
    expect((await admin('PATCH', `${pools}/np-none`, { desiredSize: 1 })).status).to.equal(404);
  });

  it('DELETE releases a pool instance (the pool replaces it) or removes a whole pool with its instances', async () => {
    await admin('POST', pools, { nodepoolId: POOL });
    await admin('PATCH', `${pools}/${POOL}`, { desiredSize: 2 });
    h.clock.advance(2000);
    const [first] = await poolNodes(h);
    expect((await admin('DELETE', `/clusters/${CLUSTER_ID}/nodes/${first?.instanceId ?? ''}`)).status).to.equal(200);
    const after = await poolNodes(h);
    expect(after.map((node) => node.instanceId)).not.to.include(first?.instanceId);
    expect(after).to.have.length(2);
    expect((await admin('DELETE', `${pools}/${POOL}`)).status).to.equal(200);
    expect(h.sim.control.listNodes(CLUSTER_ID)).to.deep.equal([]);
    expect((await rejectionOf(() => detail(h))).code).to.equal('ErrorNodePoolNotFound');
    expect((await admin('DELETE', `${pools}/${POOL}`)).status).to.equal(404);
  });

  it('clusters created with nodePools get exactly those', async () => {
    const created = await admin('POST', '/clusters', { clusterId: 'c-pools', nodePools: POOL_CLUSTER.nodePools.slice(0, 2) });
    expect(created.body.nodePoolIds).to.deep.equal([POOL, 'np-autoscaled']);
    expect((await admin('POST', '/clusters', { clusterId: 'c-none', nodePools: [] })).body.nodePoolIds).to.deep.equal([]);
  });
});
