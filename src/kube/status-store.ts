// Where the controller persists a SandboxCapacity's status: the status subresource, written with the
// object's resourceVersion (a stale copy fails with 409 and nothing is written), and read fresh from
// the API server when a write raced someone else's change.
import type { CustomObjectsApi } from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION, type SandboxCapacity, type SandboxCapacityStatus } from '../api/sandbox-capacity.js';
import { StatusWriter } from './status-writer.js';

export interface StatusStore {
  /** Writes the status with the object's resourceVersion (no request when unchanged); throws the API error (409 on a stale object). */
  write(current: SandboxCapacity, status: SandboxCapacityStatus): Promise<SandboxCapacity>;
  /** Reads the object from the API server, bypassing the cache. */
  readFresh(namespace: string, name: string): Promise<SandboxCapacity>;
}

export class KubeStatusStore implements StatusStore {
  private readonly writer: StatusWriter;

  constructor(private readonly customObjects: CustomObjectsApi) {
    this.writer = new StatusWriter(customObjects);
  }

  async write(current: SandboxCapacity, status: SandboxCapacityStatus): Promise<SandboxCapacity> {
    return (await this.writer.writeStatus(current, status)).object;
  }

  async readFresh(namespace: string, name: string): Promise<SandboxCapacity> {
    return (await this.customObjects.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL, name })) as SandboxCapacity;
  }
}
