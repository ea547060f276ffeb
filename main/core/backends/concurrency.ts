// How many requests one server takes at once, found from what it answers (DESIGN section 6).
//
// AIMD in the manner of TCP, with the decrease made exact where the server tells us its capacity:
// - A 429/503 on a request sent while k of ours were in flight (itself included) says the server was full with the
//   other k - 1: the limit becomes at most k - 1, so one refusal costs the excess and not a fifth of the limit. That
//   is one congestion event; refusals of requests sent before it took effect are the same event and change nothing.
//   Our count runs a little ahead of the server's (answers it has sent wait in our socket and event loop, more so
//   when our process is busy), so a refusal just under the limit the last event set is the same estimate being
//   corrected, and it too sets the limit to k - 1. A refusal well within that limit (under CAPACITY_DROP of it)
//   means the capacity fell (another client, a smaller quota): then the limit is cut multiplicatively.
// - Before the first event the limit doubles each round trip (one more per success: slow start), up to the ceiling;
//   after it, one more per round trip (one per `limit` successes), probing for freed capacity at the cost of one
//   refused request per round trip.
// - Growth stops while answers take more than LATENCY_INFLATION times the fastest round trip seen: a server
//   that queues instead of refusing (vLLM, transformers serve) is then at capacity, and more in flight only waits.
//   Latency alone never pushes the limit below where it started (the backend's configured concurrency).

/** A request admitted to the server, with what the controller needs to know when it comes back. */
export interface Ticket {
  /** Ours in flight when it was sent, itself included. */
  inFlightAtSend: number;
  /** How many congestion events had happened when it was sent. */
  epoch: number;
}

const LATENCY_INFLATION = 3;
const MULTIPLICATIVE_DECREASE = 0.7;
/**
 * A refusal sent with at most this share of the last event's limit in flight is a capacity drop. Above it, it is our
 * count's lag: at 4 replicas of 64 slots, a busy client counted one or two more in flight than the server held, and
 * cutting by 0.7 for each of those kept the limits near 50 of 64 (npm run bench probe).
 */
const CAPACITY_DROP = 0.9;

export class ConcurrencyController {
  private limitValue: number;
  private active = 0;
  private slowStart = true;
  private successes = 0;
  private epoch = 0;
  /** The limit the last congestion event set: a refusal within it is a new capacity drop, not our probing. */
  private limitAtLastEvent = 0;
  // The fastest round trip ever seen, never forgotten: were it re-measured under load, queueing would become the new
  // normal and the limit would creep up without end. A mix of short and long requests can only make this stricter
  // (growth stops early), never looser.
  private minLatency = Infinity;
  private latencyEwma: number | null = null;

  constructor(
    readonly start: number,
    readonly ceiling: number,
  ) {
    this.limitValue = Math.max(1, Math.min(start, ceiling));
  }

  get limit(): number {
    return Math.floor(this.limitValue);
  }

  get inFlight(): number {
    return this.active;
  }

  /** Room for one more now. */
  get free(): number {
    return this.limit - this.active;
  }

  admit(): Ticket {
    this.active++;
    return { inFlightAtSend: this.active, epoch: this.epoch };
  }

  /** A response that was an answer (or an error that says nothing about load). */
  succeeded(latencyMs?: number): void {
    this.active--;
    if (latencyMs !== undefined && Number.isFinite(latencyMs)) this.observeLatency(latencyMs);
    if (this.queueing()) {
      this.slowStart = false;
      return;
    }
    if (this.limitValue >= this.ceiling) return;
    if (this.slowStart) {
      this.limitValue = Math.min(this.ceiling, this.limitValue + 1);
      return;
    }
    if (++this.successes >= this.limit) {
      this.successes = 0;
      this.limitValue = Math.min(this.ceiling, this.limitValue + 1);
    }
  }

  /** The server refused the request for load (429 or 503). */
  overloaded(ticket: Ticket): void {
    this.active--;
    this.slowStart = false;
    this.successes = 0;
    if (ticket.epoch < this.epoch) return; // sent before the last decrease: part of the same event
    const sentWithin = ticket.inFlightAtSend <= this.limitAtLastEvent * CAPACITY_DROP;
    const exact = Math.max(1, ticket.inFlightAtSend - 1);
    const next = sentWithin ? Math.max(1, Math.floor(Math.min(this.limitValue, exact) * MULTIPLICATIVE_DECREASE)) : Math.min(this.limitValue, exact);
    this.limitValue = next;
    this.limitAtLastEvent = this.limit;
    this.epoch++;
  }

  /** The request failed without telling us anything about load (network error, timeout, cancel). */
  failed(): void {
    this.active--;
  }

  private observeLatency(ms: number): void {
    this.minLatency = Math.min(this.minLatency, ms);
    this.latencyEwma = this.latencyEwma === null ? ms : this.latencyEwma * 0.9 + ms * 0.1;
  }

  /** Answers are taking much longer than the fastest: the server queues, so more in flight would only wait. */
  private queueing(): boolean {
    return this.latencyEwma !== null && this.latencyEwma > LATENCY_INFLATION * Math.max(this.minLatency, 1);
  }
}
