// Right after the controller writes a status, its informer cache may still hold the older object
// for a moment. Acting on that stale copy could request the same nodes again; the status write's
// resourceVersion precondition already refuses such a write (409), and this memory avoids even
// trying: while the cache still shows the version we replaced, our own written object is newer.
import type { SandboxCapacity } from '../api/sandbox-capacity.js';

interface Written {
  replacedVersion: string;
  object: SandboxCapacity;
}

export class FreshestObjects {
  private readonly written = new Map<string, Written>();

  remember(key: string, replaced: SandboxCapacity, written: SandboxCapacity): void {
    const replacedVersion = replaced.metadata.resourceVersion;
    if (replacedVersion !== undefined && replacedVersion !== written.metadata.resourceVersion) {
      this.written.set(key, { replacedVersion, object: written });
    }
  }

  /** The newer of the cached object and the one we last wrote. */
  pick(key: string, cached: SandboxCapacity): SandboxCapacity {
    const w = this.written.get(key);
    if (w === undefined) return cached;
    if (cached.metadata.resourceVersion === w.replacedVersion) return w.object;
    // The cache has caught up (or moved past us): it is the truth again.
    this.written.delete(key);
    return cached;
  }

  forget(key: string): void {
    this.written.delete(key);
  }
}
