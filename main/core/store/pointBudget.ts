// The bookkeeping the core's series caches share: entries in least-recently-used order under a budget of points
// (each entry says how many it holds), the oldest going first once over it.
export class PointBudget<E> {
  /** In least-recently-used order: `put` moves an entry to the end. */
  private readonly entries = new Map<string, { value: E; points: number }>();
  private total = 0;

  constructor(private readonly max: number) {}

  /** Whether the entries hold as many points as the budget allows (one more would push an earlier one out). */
  get full(): boolean {
    return this.total >= this.max;
  }

  get(key: string): E | undefined {
    return this.entries.get(key)?.value;
  }

  /** Puts an entry, or puts it back, as the newest. */
  put(key: string, value: E, points: number): void {
    this.delete(key);
    this.entries.set(key, { value, points });
    this.total += points;
  }

  delete(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.total -= e.points;
    this.entries.delete(key);
  }

  /** Drops the oldest entries while over the budget, but never the newest `keep`. */
  trim(keep: number): void {
    for (const key of this.entries.keys()) {
      if (this.total <= this.max || this.entries.size <= keep) break;
      this.delete(key);
    }
  }

  *values(): Generator<E> {
    for (const e of this.entries.values()) yield e.value;
  }
}
