/** What one invalidation covered. */
export type InvalidationScope =
  | { readonly kind: 'keys'; readonly keys: ReadonlySet<string> }
  | { readonly kind: 'prefix'; readonly prefix: string }
  | { readonly kind: 'all' };

/**
 * The last few invalidations this process saw, numbered. A read that started at sequence `s` may
 * put its result in the near-cache only if no invalidation since `s` covered its key; otherwise a
 * value read just before a change could outlive the change's event. When the log has forgotten
 * that far back it answers "touched", which only costs a near-cache fill.
 */
export class InvalidationLog {
  private seq = 0;
  private readonly entries: { seq: number; scope: InvalidationScope }[] = [];

  constructor(private readonly capacity = 1024) {}

  get current(): number {
    return this.seq;
  }

  record(scope: InvalidationScope): void {
    this.entries.push({ seq: ++this.seq, scope });
    if (this.entries.length > this.capacity) this.entries.shift();
  }

  touchedSince(since: number, key: string): boolean {
    if (since === this.seq) return false;
    const oldest = this.entries[0]?.seq ?? this.seq + 1;
    if (since + 1 < oldest) return true;
    for (let i = this.entries.length - 1; i >= 0 && this.entries[i].seq > since; i--) {
      if (covers(this.entries[i].scope, key)) return true;
    }
    return false;
  }
}

export function covers(scope: InvalidationScope, key: string): boolean {
  switch (scope.kind) {
    case 'keys':
      return scope.keys.has(key);
    case 'prefix':
      return key.startsWith(scope.prefix);
    case 'all':
      return true;
  }
}
