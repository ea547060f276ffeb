// Bounded, adaptive concurrency per backend: start moderate, back off multiplicatively when the server says it is
// overloaded (429/503), creep up additively after a run of clean responses. The ceiling is the configured maximum.
export class AdaptiveLimiter {
  private active = 0;
  private waiters: (() => void)[] = [];
  private limit: number;
  private clean = 0;
  private cooldownUntil = 0;

  constructor(
    readonly max: number,
    start = Math.max(1, Math.ceil(max * 0.75)),
  ) {
    this.limit = start;
  }

  get current(): number {
    return this.limit;
  }

  get inFlight(): number {
    return this.active;
  }

  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    this.active--;
    this.pump();
  }

  private pump(): void {
    while (this.active < this.limit && this.waiters.length > 0) {
      this.active++;
      this.waiters.shift()!();
    }
  }

  /** The server pushed back: lower the limit (at most once per cooldown, so one burst counts once). */
  overloaded(now = Date.now()): void {
    this.clean = 0;
    if (now < this.cooldownUntil) return;
    this.limit = Math.max(1, Math.floor(this.limit * 0.8));
    this.cooldownUntil = now + 2000;
  }

  /** A clean response: after a quarter of the current limit in clean responses, allow one more in flight. */
  succeeded(): void {
    if (++this.clean >= Math.max(1, Math.floor(this.limit / 4)) && this.limit < this.max) {
      this.limit++;
      this.clean = 0;
      this.pump();
    }
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }
}
