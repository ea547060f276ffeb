// The servers of one backend (one, or several replicas of the same model): each with its own concurrency found on
// its own, requests sent to the one least used for its size, a replica that cannot be reached set aside for a while
// and tried again later, and one queue of waiting requests for all of them.
import { ConcurrencyController, type Ticket } from "./concurrency.js";

interface Replica {
  base: string;
  controller: ConcurrencyController;
  /** Set aside until then after failing to connect (0: in service). */
  downUntil: number;
  /** How long the next setting-aside lasts (doubles while it keeps failing). */
  downMs: number;
}

/** A request's place on one replica. */
export interface Lease {
  base: string;
  replica: number;
  ticket: Ticket;
}

export type LeaseOutcome = { kind: "answered"; latencyMs: number } | { kind: "overloaded" } | { kind: "unreachable" } | { kind: "failed" };

const FIRST_DOWN_MS = 1000;
const MAX_DOWN_MS = 30_000;

export class ReplicaPool {
  private replicas: Replica[] = [];
  private waiting: { resolve: (lease: Lease) => void; priority: boolean }[] = [];
  private wake: NodeJS.Timeout | null = null;
  /** Where the search for room starts: replicas equally free take turns. */
  private turn = 0;

  constructor(
    bases: string[],
    private readonly start: number,
    private readonly ceiling: number,
  ) {
    this.setBases(bases);
  }

  /** The replicas' addresses (a serve-command backend learns its one address when its server starts). */
  setBases(bases: string[]): void {
    const old = new Map(this.replicas.map((r) => [r.base, r]));
    this.replicas = bases.map((base) => old.get(base) ?? { base, controller: new ConcurrencyController(this.start, this.ceiling), downUntil: 0, downMs: FIRST_DOWN_MS });
    this.pump();
  }

  /** The sum of the replicas' current limits. */
  get limit(): number {
    return this.replicas.reduce((s, r) => s + r.controller.limit, 0);
  }

  get inFlight(): number {
    return this.replicas.reduce((s, r) => s + r.controller.inFlight, 0);
  }

  /** Each replica's current limit, in order. */
  get limits(): number[] {
    return this.replicas.map((r) => r.controller.limit);
  }

  /**
   * A place on the replica least used for its size (those equally used take turns). `priority` puts the request at the head of the queue: one the
   * server refused for load goes first when room frees, rather than behind everything queued since.
   */
  acquire(priority = false): Promise<Lease> {
    if (this.waiting.length === 0 || priority) {
      const lease = this.tryAdmit();
      if (lease) return Promise.resolve(lease);
    }
    return new Promise<Lease>((resolve) => {
      if (priority) this.waiting.unshift({ resolve, priority });
      else this.waiting.push({ resolve, priority });
    });
  }

  release(lease: Lease, outcome: LeaseOutcome): void {
    const r = this.replicas[lease.replica];
    // A replica replaced meanwhile (setBases) has nothing to account for.
    if (r && r.base === lease.base) {
      if (outcome.kind === "answered") {
        r.controller.succeeded(outcome.latencyMs);
        r.downMs = FIRST_DOWN_MS;
      } else if (outcome.kind === "overloaded") {
        r.controller.overloaded(lease.ticket);
      } else {
        r.controller.failed();
        if (outcome.kind === "unreachable") {
          r.downUntil = Date.now() + r.downMs;
          r.downMs = Math.min(MAX_DOWN_MS, r.downMs * 2);
        }
      }
    }
    this.pump();
  }

  /** Whether another replica than this lease's is in service (a request that could not connect may go there now). */
  othersInService(lease: Lease): boolean {
    const now = Date.now();
    return this.replicas.some((r, i) => i !== lease.replica && r.downUntil <= now);
  }

  private tryAdmit(): Lease | null {
    const now = Date.now();
    let best = -1;
    let bestUse = Infinity;
    let anyUp = false;
    const n = this.replicas.length;
    for (let j = 0; j < n; j++) {
      const i = (this.turn + j) % n;
      const r = this.replicas[i]!;
      if (r.downUntil > now) continue;
      anyUp = true;
      // The least used for its size, so each replica fills in proportion to the capacity found for it.
      const c = r.controller;
      const use = c.inFlight / c.limit;
      if (c.free > 0 && use < bestUse) {
        best = i;
        bestUse = use;
      }
    }
    if (!anyUp) {
      // Every replica is set aside: try the one back soonest, so the request fails and is retried by the ordinary
      // policy instead of waiting here with no end.
      let soonest = -1;
      for (let i = 0; i < this.replicas.length; i++) if (soonest < 0 || this.replicas[i]!.downUntil < this.replicas[soonest]!.downUntil) soonest = i;
      if (soonest >= 0 && this.replicas[soonest]!.controller.free > 0) best = soonest;
    } else if (this.replicas.some((r) => r.downUntil > now)) {
      this.wakeAt(Math.min(...this.replicas.filter((r) => r.downUntil > now).map((r) => r.downUntil)));
    }
    if (best < 0) return null;
    this.turn = (best + 1) % n;
    const r = this.replicas[best]!;
    return { base: r.base, replica: best, ticket: r.controller.admit() };
  }

  private pump(): void {
    while (this.waiting.length > 0) {
      const lease = this.tryAdmit();
      if (!lease) return;
      this.waiting.shift()!.resolve(lease);
    }
  }

  /** A replica set aside comes back at `at`: look at the queue then. */
  private wakeAt(at: number): void {
    if (this.wake) return;
    this.wake = setTimeout(() => {
      this.wake = null;
      this.pump();
    }, Math.max(0, at - Date.now()));
    this.wake.unref();
  }
}
