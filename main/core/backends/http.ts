// JSON over HTTP with the retry policy of DESIGN section 6: retry network errors, timeouts, 408, 409, 429, 5xx and
// x-should-retry: true, with jittered exponential backoff honouring retry-after-ms / Retry-After (capped at 60 s);
// never retry other 4xx, nor a 429 that says the quota is used up.
import { setTimeout as sleep } from "node:timers/promises";
import { Agent, type Dispatcher } from "undici";
import type { LeaseOutcome, ReplicaPool } from "./replicaPool.js";

// One dispatcher for every server, keeping connections alive per origin: at thousands of requests a second, opening
// a connection per request costs more than the work. undici's dispatch is used rather than node:http (or fetch)
// because it costs far less per request, in CPU and in garbage: 16,000 requests to four servers took 0.7-1.0 s of
// CPU against 1.2-1.9 s through node:http's keep-alive agent (a bare loop of each, same run), and a probe's client
// is CPU-bound at that rate. Its own timeouts are off: each request's timeoutMs is ours (a stopper below), and an
// answer that takes long by design (a long generation) must not be cut at undici's default of 300 s.
const dispatcher = new Agent({ connections: 1024, headersTimeout: 0, bodyTimeout: 0 });
type IncomingHttpHeaders = Record<string, string | string[] | undefined>;

interface RawResponse {
  status: number;
  /** Built only when asked for: a WHATWG Headers per response costs more than the rest of a fast answer. */
  readonly headers: Headers;
  text: string;
}

function toHeaders(h: IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out.set(k, Array.isArray(v) ? v.join(", ") : v);
  return out;
}

/** Origin and path per URL: a backend sends thousands of requests to the same few addresses. */
const parsedUrls = new Map<string, { origin: string; path: string }>();

function parsedUrl(url: string) {
  let p = parsedUrls.get(url);
  if (!p) {
    const u = new URL(url);
    p = { origin: u.origin, path: `${u.pathname}${u.search}` };
    if (parsedUrls.size > 1000) parsedUrls.clear(); // bounded: addresses with a query string could otherwise pile up
    parsedUrls.set(url, p);
  }
  return p;
}

/**
 * How an exchange is stopped (a timeout or a cancel): a hook the exchange sets, called at most once. Cheaper than an
 * AbortSignal per request, whose listeners Node adds and removes on every request's socket (measured: a fifth of
 * the client's CPU at thousands of requests a second).
 */
export interface Stopper {
  stopped: boolean;
  hook: (() => void) | null;
}

export function stop(s: Stopper): void {
  if (s.stopped) return;
  s.stopped = true;
  s.hook?.();
}

/**
 * The exchanges in flight under a caller's signal, all stopped by one listener on it. A probe shares one signal
 * among hundreds of requests in flight, and Node's EventTarget walks its listeners on every add: a listener per
 * request cost a twentieth of the client's time at thousands of requests a second.
 */
const stoppersBySignal = new WeakMap<AbortSignal, Set<Stopper>>();

function stoppersOf(signal: AbortSignal): Set<Stopper> {
  let set = stoppersBySignal.get(signal);
  if (!set) {
    const made = new Set<Stopper>();
    set = made;
    stoppersBySignal.set(signal, made);
    signal.addEventListener("abort", () => made.forEach(stop), { once: true });
  }
  return set;
}

const stoppedError = () => Object.assign(new Error("the request was stopped"), { name: "AbortError" });

/** One HTTP exchange; rejects on network errors and when stopped (a timeout or a cancel). */
function exchange(url: string, method: Dispatcher.HttpMethod, headers: Record<string, string>, body: string | undefined, stopper: Stopper): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    if (stopper.stopped) return reject(stoppedError());
    const { origin, path } = parsedUrl(url);
    let status = 0;
    let received: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    // Stopped while still waiting for a connection (a server that does not accept one): fail now; the request is
    // aborted if it ever starts.
    stopper.hook = () => reject(stoppedError());
    dispatcher.dispatch(
      { origin, path, method, headers, body },
      {
        onRequestStart(controller) {
          if (stopper.stopped) controller.abort(stoppedError());
          else stopper.hook = () => controller.abort(stoppedError());
        },
        // Called again after a 1xx: the last status and headers are the answer's.
        onResponseStart(_controller, statusCode, responseHeaders) {
          status = statusCode;
          received = responseHeaders;
        },
        onResponseData(_controller, chunk) {
          chunks.push(chunk);
        },
        onResponseEnd() {
          let built: Headers | null = null;
          resolve({
            status,
            get headers() {
              return (built ??= toHeaders(received));
            },
            text: chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8"),
          });
        },
        onResponseError(_controller, err) {
          // undici says "other side closed" for a connection the server closed. Before any answer that is a reset
          // connection (a server that went down: the replica is set aside, ECONNRESET); within one, a cut answer.
          if ((err as { code?: string }).code !== "UND_ERR_SOCKET") reject(err);
          else if (status !== 0) reject(new Error("the connection closed before the response was complete"));
          else reject(Object.assign(new Error(`the connection was reset: ${err.message}`), { code: "ECONNRESET" }));
        },
      },
    );
  });
}

export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export class HttpError extends Error {
  constructor(
    readonly url: string,
    readonly status: number | null,
    message: string,
    readonly retryable: boolean,
    /** A success status whose body was not the answer asked for (not JSON, or the wrong shape). */
    readonly malformed = false,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** How long the server asked us to wait, in ms, or null. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | null {
  const ms = headers.get("retry-after-ms");
  if (ms !== null && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const ra = headers.get("retry-after");
  if (ra === null) return null;
  if (/^\s*\d+(\.\d+)?\s*$/.test(ra)) return Number(ra) * 1000;
  const date = Date.parse(ra);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

export function isRetryableStatus(status: number, headers: Headers, body: string): boolean {
  const hint = headers.get("x-should-retry");
  if (hint === "true") return true;
  if (hint === "false") return false;
  if (status === 429 && /insufficient_quota/.test(body)) return false;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

export function backoffMs(attempt: number, policy: RetryPolicy, random = Math.random): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  return exp * (1 - 0.25 * random()); // jitter downward so synchronised clients spread out
}

export interface RequestOptions {
  method?: "GET" | "POST";
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs: number;
  retry: RetryPolicy;
  /**
   * Where a request goes when a backend's servers are shared by many requests: a place is taken on a replica of the
   * pool (the least used for its size), and `url` makes the request's URL from its address (the URL given is then
   * unused).
   */
  route?: { pool: ReplicaPool; url: (base: string) => string };
  signal?: AbortSignal;
  /** Response bodies that are text, not JSON (vLLM's load_lora_adapter answers with a sentence). */
  text?: boolean;
  /**
   * Checks a successful JSON answer's shape; a reason means it is malformed. A malformed success is retried like a
   * 5xx (a server hiccup: a proxy's HTML page, a truncated body), and only after the last try is it an error.
   */
  validate?: (body: unknown) => string | null;
}

/** How often a request refused for load waits for room among ours in flight before it counts as an attempt. */
const MAX_ROOM_WAITS = 1000;

/** One request with retries; resolves with the parsed body. */
export async function requestJson<T = unknown>(url: string, options: RequestOptions): Promise<T> {
  let lastError: HttpError | null = null;
  let attempt = 0;
  let roomWaits = 0;
  let redirects = 0;
  let refusedForLoad = false;
  while (attempt < options.retry.attempts) {
    if (options.signal?.aborted) throw new HttpError(url, null, "cancelled", false);
    let waitMs: number | null = null;
    // Set inside send(); typed wide so the checks after it are not narrowed to this first value.
    let outcome = { kind: "failed" } as LeaseOutcome;
    const lease = options.route ? await options.route.pool.acquire(refusedForLoad) : null;
    const target = lease ? options.route!.url(lease.base) : url;
    refusedForLoad = false;
    const once = async (): Promise<T | undefined> => {
      // One stopper per attempt, stopped by the timeout or by the caller's signal.
      const stopper: Stopper = { stopped: false, hook: null };
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        stop(stopper);
      }, options.timeoutMs);
      const stoppers = options.signal ? stoppersOf(options.signal) : null;
      if (options.signal?.aborted) stop(stopper);
      stoppers?.add(stopper);
      try {
        return await send(stopper, () => timedOut);
      } finally {
        clearTimeout(timer);
        stoppers?.delete(stopper);
      }
    };
    const send = async (stopper: Stopper, isTimedOut: () => boolean): Promise<T | undefined> => {
      let res: RawResponse;
      const started = performance.now();
      try {
        const headers: Record<string, string> = options.body === undefined ? {} : { "content-type": "application/json" };
        if (options.headers) for (const k in options.headers) headers[k] = options.headers[k]!;
        res = await exchange(target, options.method ?? (options.body === undefined ? "GET" : "POST"), headers, options.body === undefined ? undefined : JSON.stringify(options.body), stopper);
      } catch (err) {
        const timedOut = isTimedOut();
        if (options.signal?.aborted && !timedOut) throw new HttpError(target, null, "cancelled", false);
        const code = (err as NodeJS.ErrnoException).code;
        if (!timedOut && (code === "ECONNREFUSED" || code === "EHOSTUNREACH" || code === "ENOTFOUND" || code === "ECONNRESET")) outcome = { kind: "unreachable" };
        lastError = new HttpError(target, null, timedOut ? `timed out after ${options.timeoutMs} ms` : `network error: ${code ?? (err as Error).message}`, true);
        return undefined;
      }
      const text = res.text;
      if (res.status >= 200 && res.status < 300) {
        outcome = { kind: "answered", latencyMs: performance.now() - started };
        if (options.text) return text as T;
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          const what = text.trim() === "" ? "an empty body" : /^\s*</.test(text) ? "HTML, not JSON" : "not JSON";
          lastError = new HttpError(target, res.status, `the server's answer was ${what}: ${text.slice(0, 120)}`, true, true);
          return undefined;
        }
        const problem = options.validate?.(parsed) ?? null;
        if (problem) {
          lastError = new HttpError(target, res.status, `the server's answer was malformed: ${problem}`, true, true);
          return undefined;
        }
        return parsed as T;
      }
      if (res.status === 429 || res.status === 503) outcome = { kind: "overloaded" };
      else outcome = { kind: "answered", latencyMs: performance.now() - started };
      const retryable = isRetryableStatus(res.status, res.headers, text);
      lastError = new HttpError(target, res.status, `HTTP ${res.status}: ${text.slice(0, 300)}`, retryable);
      if (!retryable) throw lastError;
      waitMs = retryAfterMs(res.headers);
      return undefined;
    };
    let result: T | undefined;
    try {
      result = await once();
    } finally {
      if (lease) options.route!.pool.release(lease, outcome);
    }
    if (result !== undefined) return result;
    if (lease && outcome.kind === "overloaded" && options.route!.pool.inFlight > 0 && roomWaits < MAX_ROOM_WAITS) {
      // Refused for load while others of ours are still in flight: room frees when one of them is answered, which
      // is sooner than any Retry-After; wait for that at the head of the queue, and it is not a failed attempt.
      roomWaits++;
      refusedForLoad = true;
      continue;
    }
    if (lease && outcome.kind === "unreachable" && options.route!.pool.othersInService(lease) && redirects < 8) {
      // That replica is set aside for now; another takes the request straight away.
      redirects++;
      continue;
    }
    attempt++;
    if (attempt < options.retry.attempts) {
      const wait = waitMs !== null ? Math.min(waitMs, 60_000) : backoffMs(attempt - 1, options.retry);
      await sleep(wait, undefined, { signal: options.signal }).catch(() => undefined);
    }
  }
  throw lastError ?? new HttpError(url, null, "no attempts made", false);
}
