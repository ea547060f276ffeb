// Statistics workers for experiment effects. The bootstrap of a large experiment (20 conditions x 5 seeds x 20
// traits x 8 contexts, 2,000 replicates) is hundreds of millions of multiply-adds, and its traits are independent:
// each trait is one job, run by the next free worker, which reads the trait's scores through its own read-only
// connection to the workspace (SQLite in WAL mode lets readers run beside the core's one writer) and computes its
// rows. The workers stay up between requests and do not keep the process alive while idle.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { Store } from "../store/store.js";
import type { TraitEffects, TraitJob } from "./traitEffects.js";

/** Below this much work (replicates x compared run-steps, summed over traits) the jobs run on the caller's thread. */
export const POOL_MIN_WORK = 400_000;

interface Reply {
  id: number;
  ok: boolean;
  result?: TraitEffects;
  message?: string;
}

interface Task {
  path: string;
  job: TraitJob;
  resolve: (r: TraitEffects) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  busy: boolean;
}

export class EffectsPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private readonly size: number;
  private nextId = 0;

  constructor(private readonly options: { size?: number; minWork?: number } = {}) {
    // One more worker than cores: with one per core, a core sat idle while its worker read from SQLite or handed its
    // rows back (measured on 2 cores: warm 0.6 s with three workers, 0.8 s with two; four were no better).
    this.size = Math.max(1, options.size ?? Math.min(4, availableParallelism() + 1));
  }

  /** Whether the jobs are worth a trip to the workers: more than one, and enough arithmetic between them. */
  worthIt(jobs: TraitJob[]): boolean {
    if (jobs.length < 2) return false;
    let work = 0;
    for (const j of jobs) {
      let runSteps = 0;
      for (const steps of j.steps.values()) runSteps += steps.length;
      work += runSteps * (j.bootstrap?.replicates ?? 2000);
    }
    return work >= (this.options.minWork ?? POOL_MIN_WORK);
  }

  /**
   * Starts the workers ahead of the jobs when a request of this many run-steps could be worth them (it needs at least
   * two traits), so they load while the caller plans: a worker takes some tens of milliseconds to start.
   */
  warm(runSteps: number, replicates = 2000): void {
    if (2 * runSteps * replicates < (this.options.minWork ?? POOL_MIN_WORK)) return;
    while (this.slots.length < this.size) this.slots.push(this.spawn());
  }

  /**
   * Runs every job on the workers, one per worker at a time, from one queue shared by every caller (serve mode
   * may ask for two experiments at once); the results in the jobs' order. A job that fails rejects its request
   * with the trait named; the worker goes on with the next job.
   */
  run(store: Store, jobs: TraitJob[]): Promise<TraitEffects[]> {
    if (store.db.memory) return Promise.reject(new Error("statistics workers need a workspace file, not an in-memory database"));
    const path = store.db.name;
    const tasks = jobs.map((job) => new Promise<TraitEffects>((resolve, reject) => this.queue.push({ path, job, resolve, reject })));
    const wanted = Math.min(this.size, this.queue.length + this.slots.filter((s) => s.busy).length);
    while (this.slots.length < wanted) this.slots.push(this.spawn());
    for (const slot of this.slots) if (!slot.busy) this.feed(slot);
    return Promise.all(tasks);
  }

  private feed(slot: Slot): void {
    const task = this.queue.shift();
    if (!task) {
      slot.busy = false;
      slot.worker.unref();
      return;
    }
    const id = this.nextId++;
    slot.busy = true;
    slot.worker.ref();
    const done = () => {
      slot.worker.off("message", onReply);
      slot.worker.off("error", onError);
      slot.worker.off("exit", onExit);
    };
    const onReply = (reply: Reply) => {
      if (reply.id !== id) return;
      done();
      if (reply.ok) task.resolve(reply.result!);
      else task.reject(new Error(`effects of trait "${task.job.trait}": ${reply.message}`));
      this.feed(slot);
    };
    const onError = (err: Error) => {
      done();
      this.drop(slot);
      task.reject(new Error(`a statistics worker failed on trait "${task.job.trait}": ${err.message}`));
    };
    const onExit = (code: number) => {
      done();
      this.drop(slot);
      task.reject(new Error(`a statistics worker stopped (exit code ${code}) on trait "${task.job.trait}"`));
    };
    slot.worker.on("message", onReply);
    slot.worker.once("error", onError);
    slot.worker.once("exit", onExit);
    slot.worker.postMessage({ id, path: task.path, job: task.job });
  }

  /** Stops the workers (each closes its connection as it ends); what was still queued is refused. */
  async close(): Promise<void> {
    for (const task of this.queue.splice(0)) task.reject(new Error("the workspace closed before these effects were computed"));
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    const worker = new Worker(new URL("./effectsWorker.js", import.meta.url));
    worker.unref();
    const slot: Slot = { worker, busy: false };
    // A worker that fails while idle (in its warm-up, say) is dropped, never left to crash the process with an
    // unhandled error; while busy, feed's own listeners report it against the job.
    worker.on("error", () => {
      if (!slot.busy) this.drop(slot);
    });
    worker.on("exit", () => {
      if (!slot.busy) this.drop(slot);
    });
    return slot;
  }

  /** A worker that died is replaced while work is queued (unless the pool is closing). */
  private drop(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    void slot.worker.terminate();
    if (this.queue.length > 0) {
      const fresh = this.spawn();
      this.slots.push(fresh);
      this.feed(fresh);
    }
  }
}
