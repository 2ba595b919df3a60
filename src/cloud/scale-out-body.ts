// Builds the ScaleOutCluster body for a sandboxed-container cluster exactly as the seed document
// describes it (worker_data_disk must be true, data disk >= 200 GiB, ...). The intent tag becomes
// a label on every node of the request and lets a restarted controller find the task it started.
import type { ScaleOutTemplate } from '../api/sandbox-capacity.js';
import type { ScaleOutBody } from './ack-api.js';

export const INTENT_TAG_KEY = 'capacity.sandbox.dev/intent';

export interface ScaleOutRequestSpec {
  template: ScaleOutTemplate;
  count: number;
  vswitchIds: readonly string[];
  intentId: string;
  /** Read from the referenced Secret at call time; never stored. */
  loginPassword?: string;
}

export function buildScaleOutBody(r: ScaleOutRequestSpec): ScaleOutBody {
  const t = r.template;
  const login = r.loginPassword !== undefined ? { login_password: r.loginPassword } : { key_pair: t.keyPair };
  return {
    count: r.count,
    ...login,
    vswitch_ids: [...r.vswitchIds],
    worker_instance_types: [...t.instanceTypes],
    worker_instance_charge_type: t.instanceChargeType,
    worker_system_disk_category: t.systemDisk.category,
    worker_system_disk_size: t.systemDisk.size,
    worker_data_disk: true,
    worker_data_disk_category: t.dataDisk.category,
    worker_data_disk_size: t.dataDisk.size,
    tags: [...(t.tags ?? []).filter((tag) => tag.key !== INTENT_TAG_KEY), { key: INTENT_TAG_KEY, value: r.intentId }],
    disable_rollback: t.disableRollback,
  };
}
