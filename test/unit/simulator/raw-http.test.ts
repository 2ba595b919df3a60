import { expect } from 'chai';
import { CLUSTER_ID, startHarness, type Harness } from './support/harness.js';
import { seedSandboxBody } from './support/sdk.js';
import { send, signRequest, type SignedRequestSpec } from './support/signed-http.js';

describe('simulator over raw HTTP', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness();
  });

  afterEach(async () => {
    await h.sim.close();
  });

  function signed(spec: SignedRequestSpec) {
    return signRequest(h.sim.endpoint, h.sim, { date: h.clock.now(), ...spec });
  }

  function errorBody(text: string): Record<string, unknown> {
    const body = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(body).sort()).to.deep.equal(['code', 'message', 'requestId', 'status']);
    return body;
  }

  const scaleOut = (): SignedRequestSpec => ({
    method: 'POST',
    path: `/api/v2/clusters/${CLUSTER_ID}`,
    action: 'ScaleOutCluster',
    body: JSON.stringify(seedSandboxBody()),
  });

  it('accepts a chunked POST body and answers with x-acs-request-id', async () => {
    const prepared = signed(scaleOut());
    expect(prepared.headers['content-length']).to.equal(undefined);
    const response = await send(h.sim.port, prepared, 5);
    expect(response.status).to.equal(202);
    const body = JSON.parse(response.text) as Record<string, unknown>;
    expect(response.headers['x-acs-request-id']).to.equal(body.request_id);
    expect(response.headers['content-type']).to.match(/^application\/json/);
  });

  it('refuses a replayed request with SignatureNonceUsed and creates no second task', async () => {
    const prepared = signed(scaleOut());
    expect((await send(h.sim.port, prepared)).status).to.equal(202);
    h.clock.advance(5000);
    const replay = await send(h.sim.port, prepared);
    expect(replay.status).to.equal(400);
    expect(errorBody(replay.text).code).to.equal('SignatureNonceUsed');
    expect(h.sim.control.listTasks()).to.have.length(1);
  });

  it('refuses a body changed after signing', async () => {
    const prepared = signed(scaleOut());
    const tampered = { ...prepared, body: prepared.body.replace('"count":1', '"count":9') };
    const response = await send(h.sim.port, tampered);
    expect(errorBody(response.text)).to.include({ code: 'SignatureDoesNotMatch', status: 400 });
    expect(h.sim.control.listTasks()).to.deep.equal([]);
  });

  it('refuses an x-acs-action that does not match the route', async () => {
    const response = await send(h.sim.port, signed({ method: 'GET', path: '/tasks/T-x', action: 'DescribeClusterNodes' }));
    expect(errorBody(response.text)).to.include({ code: 'InvalidAction.Mismatch', status: 400 });
  });

  it('refuses another API version', async () => {
    const response = await send(h.sim.port, signed({ method: 'GET', path: '/tasks/T-x', action: 'DescribeTaskInfo', version: '2018-04-18' }));
    expect(errorBody(response.text)).to.include({ code: 'InvalidVersion', status: 400 });
  });

  it('answers an unknown route with a JSON 404', async () => {
    const response = await send(h.sim.port, signed({ method: 'GET', path: '/api/v1/clusters', action: 'DescribeClusters' }));
    expect(response.status).to.equal(404);
    expect(errorBody(response.text).code).to.equal('InvalidAction.NotFound');
  });

  it('answers an unsigned request with a JSON IncompleteSignature', async () => {
    const response = await fetch(`${h.sim.url}/tasks/T-x`);
    expect(response.status).to.equal(400);
    expect(errorBody(await response.text()).code).to.equal('IncompleteSignature');
  });

  it('refuses a body that is not JSON, naming it', async () => {
    const response = await send(h.sim.port, signed({ ...scaleOut(), body: 'count=1' }));
    expect(errorBody(response.text)).to.include({ code: 'InvalidParameter' });
    expect(JSON.parse(response.text)).to.have.property('message').that.includes('body');
  });

  it('records each call with its verdict', async () => {
    await send(h.sim.port, signed(scaleOut()));
    await fetch(`${h.sim.url}/tasks/T-x`);
    const [accepted, unsigned] = h.sim.control.requests();
    expect(accepted).to.include({ action: 'ScaleOutCluster', signature: 'valid', status: 202, accessKeyId: 'LTAI-simulator' });
    expect(accepted?.body).to.deep.include({ login_password: '******', count: 1 });
    expect(unsigned).to.include({ path: '/tasks/T-x', signature: 'IncompleteSignature', status: 400, code: 'IncompleteSignature' });
  });
});
