// At most `size` at once, the rest in order: for a local program that states its own capacity (the command
// backend), where there is no server pushing back to learn from.
export class Semaphore {
  private active = 0;
  private waiters: (() => void)[] = [];

  constructor(readonly size: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active < this.size) this.active++;
    else await new Promise<void>((resolve) => this.waiters.push(resolve)); // the releaser hands its place over
    try {
      return await fn();
    } finally {
      const next = this.waiters.shift();
      if (next) next();
      else this.active--;
    }
  }
}
