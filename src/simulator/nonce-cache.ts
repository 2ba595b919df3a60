// Remembers signature nonces long enough to refuse a replay: a request is acceptable while its
// x-acs-date is within the skew window either side of now, so a nonce must be kept for twice that.

export class NonceCache {
  private readonly seen = new Map<string, number>();

  constructor(private readonly retentionMs: () => number) {}

  /** Records the nonce; false when it was already seen within the retention window. */
  remember(nonce: string, now: number): boolean {
    this.forgetExpired(now);
    if (this.seen.has(nonce)) {
      return false;
    }
    this.seen.set(nonce, now);
    return true;
  }

  clear(): void {
    this.seen.clear();
  }

  get size(): number {
    return this.seen.size;
  }

  private forgetExpired(now: number): void {
    const oldestKept = now - this.retentionMs();
    for (const [nonce, seenAt] of this.seen) {
      if (seenAt >= oldestKept) {
        return;
      }
      this.seen.delete(nonce);
    }
  }
}
