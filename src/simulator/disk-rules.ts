// Disk rules from the seed document (sandbox clusters) and ack-api.md §3.1/§3.2 (other clusters).
// Both request shapes are accepted: the seed's legacy worker_data_disk* fields and the SDK's
// worker_data_disks[] list.
import { invalidParameter } from './errors.js';
import { readEnum, readInteger, readObjectList, readOptionalBoolean, type JsonObject } from './field-checks.js';

export interface DiskSpec {
  category: string;
  size: number;
}

export const SANDBOX_MIN_DATA_DISK_GIB = 200;
export const LEGACY_DATA_DISK_CATEGORIES = ['cloud_efficiency', 'cloud_ssd', 'cloud'] as const;
export const DATA_DISK_CATEGORIES = ['cloud', 'cloud_efficiency', 'cloud_ssd', 'cloud_essd'] as const;
export const SANDBOX_SYSTEM_DISK_CATEGORIES = ['cloud_efficiency', 'cloud_ssd'] as const;
export const SYSTEM_DISK_CATEGORIES = ['cloud_efficiency', 'cloud_ssd', 'cloud_essd'] as const;
const MAX_DATA_DISK_GIB = 32768;

function readLegacyDataDisk(body: JsonObject, sandbox: boolean): DiskSpec | undefined {
  const mounted = readOptionalBoolean('worker_data_disk', body.worker_data_disk);
  if (mounted === false && sandbox) {
    throw invalidParameter('worker_data_disk', 'must be true in a sandboxed-container cluster');
  }
  if (mounted !== true) {
    return undefined;
  }
  const minimum = sandbox ? SANDBOX_MIN_DATA_DISK_GIB : 40;
  if (body.worker_data_disk_size === undefined) {
    throw invalidParameter('worker_data_disk_size', `is required when worker_data_disk is true (at least ${minimum} GiB)`);
  }
  const size = readInteger('worker_data_disk_size', body.worker_data_disk_size, {
    min: minimum,
    max: MAX_DATA_DISK_GIB,
    allowNumericString: true,
  });
  const category = readEnum(
    'worker_data_disk_category',
    body.worker_data_disk_category,
    LEGACY_DATA_DISK_CATEGORIES,
    'cloud_efficiency',
  );
  return { category, size };
}

function readDataDiskList(body: JsonObject, sandbox: boolean): DiskSpec[] {
  const minimum = sandbox ? SANDBOX_MIN_DATA_DISK_GIB : 40;
  return readObjectList('worker_data_disks', body.worker_data_disks, { min: 0, max: 16 }).map((disk, index) => ({
    category: readEnum(`worker_data_disks[${index}].category`, disk.category, DATA_DISK_CATEGORIES, 'cloud_efficiency'),
    size: readInteger(`worker_data_disks[${index}].size`, disk.size ?? '120', {
      min: minimum,
      max: MAX_DATA_DISK_GIB,
      allowNumericString: true,
    }),
  }));
}

/** All requested data disks; a sandboxed-container cluster refuses a request without one. */
export function readDataDisks(body: JsonObject, sandbox: boolean): DiskSpec[] {
  const legacy = readLegacyDataDisk(body, sandbox);
  const disks = [...(legacy ? [legacy] : []), ...readDataDiskList(body, sandbox)];
  if (sandbox && disks.length === 0) {
    throw invalidParameter(
      'worker_data_disk',
      `is required: sandboxed-container nodes need a data disk of at least ${SANDBOX_MIN_DATA_DISK_GIB} GiB ` +
        '(set worker_data_disk true and worker_data_disk_size, or worker_data_disks)',
    );
  }
  return disks;
}

export function readSystemDisk(body: JsonObject, sandbox: boolean): DiskSpec {
  const categories = sandbox ? SANDBOX_SYSTEM_DISK_CATEGORIES : SYSTEM_DISK_CATEGORIES;
  const category = readEnum('worker_system_disk_category', body.worker_system_disk_category, categories, 'cloud_ssd');
  const size =
    body.worker_system_disk_size === undefined
      ? 120
      : readInteger('worker_system_disk_size', body.worker_system_disk_size, {
          min: sandbox ? 20 : 40,
          max: 500,
          allowNumericString: true,
        });
  return { category, size };
}
