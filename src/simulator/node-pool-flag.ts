// The command line's node pool syntax: `--node-pool key=value,key=value...`, e.g.
// `--node-pool id=np-sandbox,desiredSize=2,vswitchIds=vsw-a+vsw-b` or
// `--node-pool name=autoscaled,autoScaling=true,runtime=containerd`. Lists use `+` (values cannot
// contain commas); labels are `labels=k=v+k2=v2`.
import type { NodePoolConfig } from './node-pools.js';

export class NodePoolFlagError extends Error {
  override readonly name = 'NodePoolFlagError';
}

type Setter = (config: NodePoolConfig, value: string) => void;

function flag(key: string, value: string): boolean {
  if (value !== 'true' && value !== 'false') {
    throw new NodePoolFlagError(`${key} must be true or false, got "${value}"`);
  }
  return value === 'true';
}

function whole(key: string, value: string): number {
  if (!/^\d+$/.test(value)) {
    throw new NodePoolFlagError(`${key} must be a whole number, got "${value}"`);
  }
  return Number(value);
}

function list(value: string): string[] {
  return value.split('+').map((item) => item.trim()).filter((item) => item !== '');
}

function labels(value: string): Record<string, string> {
  return Object.fromEntries(
    list(value).map((pair) => {
      const equals = pair.indexOf('=');
      if (equals <= 0) throw new NodePoolFlagError(`labels needs k=v+k2=v2, got "${value}"`);
      return [pair.slice(0, equals), pair.slice(equals + 1)];
    }),
  );
}

const SETTERS: Readonly<Record<string, Setter>> = {
  id: (config, value) => (config.nodepoolId = value),
  name: (config, value) => (config.name = value),
  type: (config, value) => (config.type = value as NodePoolConfig['type']),
  runtime: (config, value) => (config.runtime = value as NodePoolConfig['runtime']),
  runtimeVersion: (config, value) => (config.runtimeVersion = value),
  autoScaling: (config, value) => (config.autoScaling = flag('autoScaling', value)),
  minInstances: (config, value) => (config.minInstances = whole('minInstances', value)),
  maxInstances: (config, value) => (config.maxInstances = whole('maxInstances', value)),
  autoMode: (config, value) => (config.autoMode = flag('autoMode', value)),
  vswitchIds: (config, value) => (config.vswitchIds = list(value)),
  instanceTypes: (config, value) => (config.instanceTypes = list(value)),
  desiredSize: (config, value) => (config.desiredSize = whole('desiredSize', value)),
  labels: (config, value) => (config.labels = labels(value)),
  isDefault: (config, value) => (config.isDefault = flag('isDefault', value)),
};

/** Parses one --node-pool value; the type, runtime and the rest are checked when the cluster is built. */
export function parseNodePoolSpec(spec: string): NodePoolConfig {
  const config: NodePoolConfig = {};
  for (const item of spec.split(',').filter((part) => part.trim() !== '')) {
    const equals = item.indexOf('=');
    const key = (equals < 0 ? item : item.slice(0, equals)).trim();
    const setter = SETTERS[key];
    if (setter === undefined || equals < 0) {
      throw new NodePoolFlagError(`unknown or empty node pool setting "${item}"; known: ${Object.keys(SETTERS).join(', ')}`);
    }
    setter(config, item.slice(equals + 1).trim());
  }
  return config;
}
