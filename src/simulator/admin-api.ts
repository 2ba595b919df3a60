// The /_sim admin API: plain JSON over HTTP, no signature, for tests and people driving the
// simulator by hand (curl examples in docs/simulator.md). A thin layer over SimulatorControl.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './body.js';
import { parseRawQuery } from './canonical-request.js';
import type { ClusterConfig } from './clusters.js';
import { AckError } from './errors.js';
import type { FaultRuleInput } from './fault-types.js';
import { isJsonObject, type JsonObject } from './field-checks.js';
import { sendJson } from './responses.js';
import type { HeldState } from './node-pools.js';
import type { FinishTaskRequest, SimulatorControl } from './simulator-control.js';

export const ADMIN_PREFIX = '/_sim';

interface AdminCall {
  params: Record<string, string>;
  query: Map<string, string>;
  body: unknown;
  control: SimulatorControl;
}

interface AdminReply {
  status: number;
  body: unknown;
}

type AdminHandler = (call: AdminCall) => AdminReply | Promise<AdminReply>;

interface AdminRoute {
  method: string;
  path: string;
  handler: AdminHandler;
}

class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const ok = (body: unknown, status = 200): AdminReply => ({ status, body });

function objectBody(call: AdminCall): JsonObject {
  if (!isJsonObject(call.body)) {
    throw new AdminError(400, 'the request body must be a JSON object');
  }
  return call.body;
}

function found<T>(value: T | undefined, what: string): T {
  if (value === undefined) {
    throw new AdminError(404, `${what} not found`);
  }
  return value;
}

function removed(done: boolean, what: string): AdminReply {
  if (!done) {
    throw new AdminError(404, `${what} not found`);
  }
  return ok({ removed: true });
}

function finishTask(call: AdminCall): AdminReply {
  const body = call.body ?? {};
  if (!isJsonObject(body)) {
    throw new AdminError(400, 'the request body must be a JSON object');
  }
  const state = body.state;
  if (state !== undefined && state !== 'success' && state !== 'fail') {
    throw new AdminError(400, 'state must be success or fail');
  }
  for (const field of ['failures', 'failFraction'] as const) {
    if (body[field] !== undefined && typeof body[field] !== 'number') {
      throw new AdminError(400, `${field} must be a number`);
    }
  }
  const request: FinishTaskRequest = body;
  return ok(call.control.finishTask(call.params.id ?? '', request));
}

function addFaults(call: AdminCall): AdminReply {
  const inputs = Array.isArray(call.body) ? call.body : [objectBody(call)];
  return ok(inputs.map((input) => call.control.addFault(input as FaultRuleInput)), 201);
}

function listRequests(call: AdminCall): AdminReply {
  const since = call.query.get('since');
  const action = call.query.get('action');
  return ok(call.control.requests({ ...(action ? { action } : {}), ...(since ? { since: Number(since) } : {}) }));
}

async function removeNode(call: AdminCall): Promise<AdminReply> {
  return removed(await call.control.removeNode(call.params.id ?? '', call.params.instanceId ?? ''), 'node');
}

/**
 * PATCH a pool: `desiredSize` resizes it out of band (a task, as the console would), `state` holds it
 * busy (or `active` releases it), any other key changes its configuration.
 */
function patchNodePool(call: AdminCall): AdminReply {
  const { desiredSize, state, ...config } = objectBody(call);
  const clusterId = call.params.id ?? '';
  const nodepoolId = call.params.np ?? '';
  if (desiredSize !== undefined && typeof desiredSize !== 'number') {
    throw new AdminError(400, 'desiredSize must be a number');
  }
  if (state !== undefined && typeof state !== 'string') {
    throw new AdminError(400, 'state must be a string');
  }
  if (Object.keys(config).length > 0) {
    call.control.updateNodePool(clusterId, nodepoolId, config);
  }
  if (state !== undefined) {
    call.control.holdNodePool(clusterId, nodepoolId, state as HeldState | 'active');
  }
  const task = desiredSize === undefined ? undefined : call.control.resizeNodePool(clusterId, nodepoolId, desiredSize);
  const nodePool = found(call.control.getNodePool(clusterId, nodepoolId), 'node pool');
  return ok({ ...nodePool, ...(task ? { task } : {}) });
}

async function removeNodePool(call: AdminCall): Promise<AdminReply> {
  return removed(await call.control.removeNodePool(call.params.id ?? '', call.params.np ?? ''), 'node pool');
}

const NODE_POOL_ROUTES: readonly AdminRoute[] = [
  { method: 'GET', path: '/clusters/:id/nodepools', handler: (call) => ok(found(call.control.listNodePools(call.params.id ?? ''), 'cluster')) },
  {
    method: 'POST',
    path: '/clusters/:id/nodepools',
    handler: (call) => ok(call.control.addNodePool(call.params.id ?? '', objectBody(call)), 201),
  },
  {
    method: 'GET',
    path: '/clusters/:id/nodepools/:np',
    handler: (call) => ok(found(call.control.getNodePool(call.params.id ?? '', call.params.np ?? ''), 'node pool')),
  },
  { method: 'PATCH', path: '/clusters/:id/nodepools/:np', handler: patchNodePool },
  { method: 'DELETE', path: '/clusters/:id/nodepools/:np', handler: removeNodePool },
];

const ROUTES: readonly AdminRoute[] = [
  { method: 'GET', path: '/health', handler: () => ok({ status: 'ok' }) },
  { method: 'GET', path: '/settings', handler: (call) => ok(call.control.settings) },
  { method: 'PUT', path: '/settings', handler: (call) => ok(call.control.updateSettings(objectBody(call))) },
  { method: 'PATCH', path: '/settings', handler: (call) => ok(call.control.updateSettings(objectBody(call))) },
  { method: 'GET', path: '/faults', handler: (call) => ok(call.control.listFaults()) },
  { method: 'POST', path: '/faults', handler: addFaults },
  { method: 'DELETE', path: '/faults', handler: (call) => (call.control.clearFaults(), ok({ cleared: true })) },
  {
    method: 'DELETE',
    path: '/faults/:id',
    handler: (call) => removed(call.control.removeFault(call.params.id ?? ''), 'fault'),
  },
  { method: 'GET', path: '/requests', handler: listRequests },
  { method: 'DELETE', path: '/requests', handler: (call) => (call.control.clearRequests(), ok({ cleared: true })) },
  { method: 'POST', path: '/reset', handler: (call) => (call.control.reset(), ok({ reset: true })) },
  { method: 'POST', path: '/tick', handler: async (call) => (await call.control.tick(), ok({ ticked: true })) },
  { method: 'GET', path: '/clusters', handler: (call) => ok(call.control.listClusters()) },
  { method: 'POST', path: '/clusters', handler: (call) => ok(call.control.upsertCluster(objectBody(call) as unknown as ClusterConfig), 201) },
  { method: 'GET', path: '/clusters/:id', handler: (call) => ok(found(call.control.getCluster(call.params.id ?? ''), 'cluster')) },
  {
    method: 'PATCH',
    path: '/clusters/:id',
    handler: (call) => ok(call.control.updateCluster(call.params.id ?? '', objectBody(call))),
  },
  {
    method: 'DELETE',
    path: '/clusters/:id',
    handler: (call) => removed(call.control.removeCluster(call.params.id ?? ''), 'cluster'),
  },
  { method: 'GET', path: '/clusters/:id/nodes', handler: (call) => ok(found(call.control.listNodes(call.params.id ?? ''), 'cluster')) },
  { method: 'DELETE', path: '/clusters/:id/nodes/:instanceId', handler: removeNode },
  { method: 'GET', path: '/tasks', handler: (call) => ok(call.control.listTasks(call.query.get('clusterId'))) },
  { method: 'GET', path: '/tasks/:id', handler: (call) => ok(found(call.control.getTask(call.params.id ?? ''), 'task')) },
  {
    method: 'POST',
    path: '/tasks/:id/finish',
    handler: finishTask,
  },
  ...NODE_POOL_ROUTES,
];

function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const wanted = pattern.split('/');
  const actual = path.split('/');
  if (wanted.length !== actual.length) {
    return undefined;
  }
  const params: Record<string, string> = {};
  for (const [index, segment] of wanted.entries()) {
    const value = actual[index] ?? '';
    if (segment.startsWith(':')) {
      params[segment.slice(1)] = decodeURIComponent(value);
    } else if (segment !== value) {
      return undefined;
    }
  }
  return params;
}

function parseBody(body: Buffer): unknown {
  if (body.length === 0) {
    return undefined;
  }
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new AdminError(400, 'the request body is not valid JSON');
  }
}

function statusOf(error: unknown): number {
  if (error instanceof AdminError || error instanceof AckError) {
    return error.status;
  }
  return 400;
}

export async function handleAdminRequest(request: IncomingMessage, response: ServerResponse, control: SimulatorControl): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://simulator');
  const path = url.pathname.slice(ADMIN_PREFIX.length) || '/';
  try {
    const body = parseBody(await readBody(request));
    for (const route of ROUTES) {
      const params = route.method === request.method ? matchPath(route.path, path) : undefined;
      if (params !== undefined) {
        const query = new Map(parseRawQuery(url.search.slice(1)));
        const reply = await route.handler({ params, query, body, control });
        sendJson(response, reply.status, reply.body);
        return;
      }
    }
    sendJson(response, 404, { message: `no admin endpoint ${request.method ?? ''} ${url.pathname}` });
  } catch (error) {
    sendJson(response, statusOf(error), { message: error instanceof Error ? error.message : String(error) });
  }
}
