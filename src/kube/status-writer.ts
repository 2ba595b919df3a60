// Writes a SandboxCapacity's status through the status subresource with PUT and the object's
// resourceVersion. If our cached copy is stale the server answers 409 Conflict (isConflict) and
// nothing is written: that is what keeps the controller from acting twice on an outdated view.
// The caller requeues quietly and reconciles again from the fresh object.
import type { CustomObjectsApi } from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION, type SandboxCapacity, type SandboxCapacityStatus } from '../api/sandbox-capacity.js';
import { jsonEqual } from './json-equal.js';

export interface StatusWriteResult {
  /** False when the status was already as desired and no request was made. */
  written: boolean;
  /** The object as the server now has it (new resourceVersion when written), else `current`. */
  object: SandboxCapacity;
}

export class StatusWriter {
  constructor(private readonly customObjects: CustomObjectsApi, private readonly fieldManager = 'sandbox-capacity-operator') {}

  /**
   * Replaces current.status with `status` unless they are equal. `current` is not modified.
   * Throws the API error on failure: classify it with isConflict / isNotFound / isRetryable.
   */
  async writeStatus(current: SandboxCapacity, status: SandboxCapacityStatus): Promise<StatusWriteResult> {
    if (jsonEqual(current.status ?? {}, status)) return { written: false, object: current };
    const { name, namespace, resourceVersion } = current.metadata;
    if (!resourceVersion) throw new Error(`${namespace}/${name} has no resourceVersion; refusing an unconditional status write`);
    const body: SandboxCapacity = { ...current, metadata: { ...current.metadata }, status };
    const updated = (await this.customObjects.replaceNamespacedCustomObjectStatus({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: PLURAL,
      name,
      body,
      fieldManager: this.fieldManager,
    })) as SandboxCapacity;
    return { written: true, object: updated };
  }
}
