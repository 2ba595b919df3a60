// Builds the ScaleOutCluster body for a sandboxed-container cluster exactly as the seed document
// describes it (worker_data_disk must be true, data disk >= 200 GiB, ...). Two tags become labels on
// every node of the request: the intent id, which lets a restarted controller find the task it
// started, and the owner (namespace.name), which lets a re-created resource find its predecessor's.
import { INTENT_TAG_KEY, OWNER_TAG_KEY, type ScaleOutTemplate } from '../api/sandbox-capacity.js';
import type { ScaleOutBody } from './ack-api.js';

export interface ScaleOutRequestSpec {
  template: ScaleOutTemplate;
  count: number;
  vswitchIds: readonly string[];
  intentId: string;
  /** Value of the owner tag (core/tasks.ts ownerTagValue). */
  owner: string;
  /** Read from the referenced Secret at call time; never stored. */
  loginPassword?: string;
}

export function buildScaleOutBody(r: ScaleOutRequestSpec): ScaleOutBody {
  const t = r.template;
  const login = r.loginPassword !== undefined ? { login_password: r.loginPassword } : { key_pair: t.keyPair };
  const ours = new Set([INTENT_TAG_KEY, OWNER_TAG_KEY]);
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
    tags: [...(t.tags ?? []).filter((tag) => !ours.has(tag.key)), { key: INTENT_TAG_KEY, value: r.intentId }, { key: OWNER_TAG_KEY, value: r.owner }],
    disable_rollback: t.disableRollback,
  };
}
