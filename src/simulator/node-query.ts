// DescribeClusterNodes filters (ack-api.md §6): instanceIds, nodeNames, nodeIps (comma-separated),
// nodepool_id, state (all | running | removing | initial | failed) and nodeLabels ("k=v,k2=v2").
import type { ClusterRecord } from './clusters.js';
import { invalidParameter } from './errors.js';
import type { InstanceRecord } from './instances.js';
import { nodeLabels } from './node-labels.js';

const NODE_STATES = ['all', 'running', 'removing', 'initial', 'failed'];

type Predicate = (instance: InstanceRecord) => boolean;

function commaList(value: string | undefined): Set<string> | undefined {
  if (value === undefined || value.trim() === '') {
    return undefined;
  }
  return new Set(value.split(',').map((item) => item.trim()).filter((item) => item !== ''));
}

function labelPredicate(value: string | undefined, cluster: ClusterRecord): Predicate | undefined {
  if (value === undefined || value.trim() === '') {
    return undefined;
  }
  const wanted = value.split(',').map((pair) => {
    const equals = pair.indexOf('=');
    if (equals <= 0) {
      throw invalidParameter('nodeLabels', `must be a comma-separated list of key=value, got "${value}"`);
    }
    return [pair.slice(0, equals).trim(), pair.slice(equals + 1).trim()] as const;
  });
  return (instance) => {
    const labels = nodeLabels(instance, cluster);
    return wanted.every(([key, expected]) => labels[key] === expected);
  };
}

function statePredicate(value: string | undefined): Predicate | undefined {
  const state = value ?? 'all';
  if (!NODE_STATES.includes(state)) {
    throw invalidParameter('state', `must be one of ${NODE_STATES.join(', ')}, got "${state}"`);
  }
  return state === 'all' ? undefined : (instance) => instance.state === state;
}

function memberPredicate(values: Set<string> | undefined, pick: (instance: InstanceRecord) => string): Predicate | undefined {
  return values === undefined ? undefined : (instance) => values.has(pick(instance));
}

export function filterClusterNodes(cluster: ClusterRecord, query: ReadonlyMap<string, string>): InstanceRecord[] {
  const nodepool = query.get('nodepool_id');
  const predicates = [
    statePredicate(query.get('state')),
    memberPredicate(commaList(query.get('instanceIds')), (instance) => instance.instanceId),
    memberPredicate(commaList(query.get('nodeNames')), (instance) => instance.nodeName),
    memberPredicate(commaList(query.get('nodeIps')), (instance) => instance.privateIp),
    nodepool ? (instance: InstanceRecord): boolean => instance.nodepoolId === nodepool : undefined,
    labelPredicate(query.get('nodeLabels'), cluster),
  ].filter((predicate): predicate is Predicate => predicate !== undefined);
  return cluster.instances.filter((instance) => predicates.every((predicate) => predicate(instance)));
}
