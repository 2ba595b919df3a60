// The request rules of the node pool calls and DeleteClusterNodes. Every refusal is InvalidParameter
// naming the field, as for ScaleOutCluster; unknown keys are ignored, as ACK does.
import { invalidParameter } from './errors.js';
import { describeValue, isJsonObject, readInteger, readOptionalBoolean, readOptionalString, readStringList, type JsonObject } from './field-checks.js';

/** The ModifyClusterNodePool fields the simulator applies; everything else is accepted and ignored. */
export interface PoolModification {
  desiredSize?: number;
  name?: string;
  autoScaling?: boolean;
  vswitchIds?: string[];
  instanceTypes?: string[];
}

export interface NodeRemoval {
  /** RemoveNodePoolNodes: instance ids and/or node names; DeleteClusterNodes: node names. */
  instanceIds: string[];
  nodeNames: string[];
  drainNode: boolean;
  releaseNode: boolean;
}

const MAX_POOL_SIZE = 10_000;

function readSection(body: JsonObject, field: string): JsonObject | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value)) {
    throw invalidParameter(field, `must be an object, got ${describeValue(value)}`);
  }
  return value;
}

function defined<T>(key: string, value: T | undefined): Record<string, T> {
  return value === undefined ? {} : { [key]: value };
}

function readScalingGroup(section: JsonObject | undefined): PoolModification {
  if (section === undefined) return {};
  const size = section.desired_size;
  const vswitches = section.vswitch_ids;
  const types = section.instance_types;
  return {
    ...(size === undefined ? {} : { desiredSize: readInteger('scaling_group.desired_size', size, { min: 0, max: MAX_POOL_SIZE }) }),
    ...(vswitches === undefined ? {} : { vswitchIds: readStringList('scaling_group.vswitch_ids', vswitches, { min: 1, max: 8 }) }),
    ...(types === undefined ? {} : { instanceTypes: readStringList('scaling_group.instance_types', types, { min: 1, max: 10 }) }),
  };
}

export function readPoolModification(body: unknown): PoolModification {
  if (!isJsonObject(body)) {
    throw invalidParameter('body', 'must be a JSON object');
  }
  const autoScaling = readSection(body, 'auto_scaling');
  const info = readSection(body, 'nodepool_info');
  return {
    ...readScalingGroup(readSection(body, 'scaling_group')),
    ...defined('autoScaling', readOptionalBoolean('auto_scaling.enable', autoScaling?.enable)),
    ...defined('name', readOptionalString('nodepool_info.name', info?.name)),
  };
}

export function readScaleCount(body: unknown, maxNodesPerCall: number): number {
  if (!isJsonObject(body)) {
    throw invalidParameter('body', 'must be a JSON object');
  }
  return readInteger('count', body.count, { min: 1, max: maxNodesPerCall });
}

function readQueryFlag(query: ReadonlyMap<string, string>, field: string): boolean {
  const value = query.get(field);
  if (value === undefined || value === '') return false;
  if (value !== 'true' && value !== 'false') {
    throw invalidParameter(field, `must be true or false, got ${describeValue(value)}`);
  }
  return value === 'true';
}

/** `instance_ids` / `nodes` are JSON-encoded arrays in the query string (the SDK's "json" style). */
function readJsonList(query: ReadonlyMap<string, string>, field: string): string[] {
  const text = query.get(field);
  if (text === undefined || text === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw invalidParameter(field, `must be a JSON array of strings, e.g. ["i-abc"], got ${describeValue(text)}`);
  }
  return readStringList(field, value, { min: 0, max: 500 });
}

export function readPoolNodeRemoval(query: ReadonlyMap<string, string>): NodeRemoval {
  const instanceIds = readJsonList(query, 'instance_ids');
  const nodeNames = readJsonList(query, 'nodes');
  if (instanceIds.length === 0 && nodeNames.length === 0) {
    throw invalidParameter('instance_ids', 'is required: name the instances to remove (or their node names in nodes)');
  }
  readQueryFlag(query, 'concurrency');
  return { instanceIds, nodeNames, drainNode: readQueryFlag(query, 'drain_node'), releaseNode: readQueryFlag(query, 'release_node') };
}

export function readClusterNodeRemoval(body: unknown): NodeRemoval {
  if (!isJsonObject(body)) {
    throw invalidParameter('body', 'must be a JSON object');
  }
  return {
    instanceIds: [],
    nodeNames: readStringList('nodes', body.nodes, { min: 1, max: 500 }),
    drainNode: readOptionalBoolean('drain_node', body.drain_node) ?? false,
    releaseNode: readOptionalBoolean('release_node', body.release_node) ?? false,
  };
}
