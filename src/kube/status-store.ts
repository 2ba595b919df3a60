// What the controller writes to a SandboxCapacity: its status, through the status subresource with the
// object's resourceVersion (a stale copy fails with 409 and nothing is written), and its finalizers
// (a merge patch that carries the resourceVersion too); and a fresh read when a write raced someone
// else's change.
import type { CustomObjectsApi } from '@kubernetes/client-node';
// Deep imports: a value import from the package index loads all of client-node (see kube-config.ts).
import { setHeaderOptions } from '@kubernetes/client-node/dist/middleware.js';
import { PatchStrategy } from '@kubernetes/client-node/dist/patch.js';
import { GROUP, PLURAL, VERSION, type SandboxCapacity, type SandboxCapacityStatus } from '../api/sandbox-capacity.js';
import { StatusWriter } from './status-writer.js';

const FIELD_MANAGER = 'sandbox-capacity-operator';

export interface StatusStore {
  /** Writes the status with the object's resourceVersion (no request when unchanged); throws the API error (409 on a stale object). */
  write(current: SandboxCapacity, status: SandboxCapacityStatus): Promise<SandboxCapacity>;
  /** Reads the object from the API server, bypassing the cache. */
  readFresh(namespace: string, name: string): Promise<SandboxCapacity>;
  /** Sets metadata.finalizers, conditional on the object's resourceVersion (409 when stale). */
  writeFinalizers(current: SandboxCapacity, finalizers: readonly string[]): Promise<SandboxCapacity>;
}

export class KubeStatusStore implements StatusStore {
  private readonly writer: StatusWriter;

  constructor(private readonly customObjects: CustomObjectsApi) {
    this.writer = new StatusWriter(customObjects);
  }

  async write(current: SandboxCapacity, status: SandboxCapacityStatus): Promise<SandboxCapacity> {
    return (await this.writer.writeStatus(current, status)).object;
  }

  async writeFinalizers(current: SandboxCapacity, finalizers: readonly string[]): Promise<SandboxCapacity> {
    const { name, namespace, resourceVersion } = current.metadata;
    const body = { metadata: { resourceVersion, finalizers: [...finalizers] } };
    return (await this.customObjects.patchNamespacedCustomObject(
      { group: GROUP, version: VERSION, namespace, plural: PLURAL, name, body, fieldManager: FIELD_MANAGER },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as SandboxCapacity;
  }

  async readFresh(namespace: string, name: string): Promise<SandboxCapacity> {
    return (await this.customObjects.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL, name })) as SandboxCapacity;
  }
}
