// The SandboxCapacity calls every test scenario makes: create one from a spec, read it back.
import type { CustomObjectsApi } from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION, type SandboxCapacity } from '../../src/api/sandbox-capacity.js';

export interface CapacityObjects {
  apply(spec: Record<string, unknown>, name?: string): Promise<SandboxCapacity>;
  get(name?: string): Promise<SandboxCapacity>;
}

export function capacityObjects(objects: CustomObjectsApi, namespace: string): CapacityObjects {
  return {
    async apply(spec, name = 'workers') {
      return (await objects.createNamespacedCustomObject({
        group: GROUP, version: VERSION, namespace, plural: PLURAL,
        body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'SandboxCapacity', metadata: { name }, spec },
      })) as SandboxCapacity;
    },
    async get(name = 'workers') {
      return (await objects.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL, name })) as SandboxCapacity;
    },
  };
}
