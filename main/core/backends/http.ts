// JSON over HTTP with the retry policy of DESIGN section 6: retry network errors, timeouts, 408, 409, 429, 5xx and
// x-should-retry: true, with jittered exponential backoff honouring retry-after-ms / Retry-After (capped at 60 s);
// never retry other 4xx, nor a 429 that says the quota is used up.
import { setTimeout as sleep } from "node:timers/promises";
import type { AdaptiveLimiter } from "./limiter.js";

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
  limiter?: AdaptiveLimiter;
  signal?: AbortSignal;
  /** Response bodies that are text, not JSON (vLLM's load_lora_adapter answers with a sentence). */
  text?: boolean;
}

/** One request with retries; resolves with the parsed body. */
export async function requestJson<T = unknown>(url: string, options: RequestOptions): Promise<T> {
  let lastError: HttpError | null = null;
  for (let attempt = 0; attempt < options.retry.attempts; attempt++) {
    if (options.signal?.aborted) throw new HttpError(url, null, "cancelled", false);
    let waitMs: number | null = null;
    const once = async (): Promise<T | undefined> => {
      const timeout = AbortSignal.timeout(options.timeoutMs);
      const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
      let res: Response;
      try {
        res = await fetch(url, {
          method: options.method ?? (options.body === undefined ? "GET" : "POST"),
          headers: { ...(options.body === undefined ? {} : { "content-type": "application/json" }), ...options.headers },
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
          signal,
        });
      } catch (err) {
        const timedOut = timeout.aborted;
        if (options.signal?.aborted && !timedOut) throw new HttpError(url, null, "cancelled", false);
        lastError = new HttpError(url, null, timedOut ? `timed out after ${options.timeoutMs} ms` : `network error: ${(err as Error).cause ?? (err as Error).message}`, true);
        return undefined;
      }
      let text: string;
      try {
        text = await res.text();
      } catch (err) {
        lastError = new HttpError(url, res.status, `connection lost while reading the response: ${(err as Error).message}`, true);
        return undefined;
      }
      if (res.ok) {
        options.limiter?.succeeded();
        if (options.text) return text as T;
        try {
          return JSON.parse(text) as T;
        } catch {
          throw new HttpError(url, res.status, `the server's answer is not JSON: ${text.slice(0, 200)}`, false);
        }
      }
      if (res.status === 429 || res.status === 503) options.limiter?.overloaded();
      const retryable = isRetryableStatus(res.status, res.headers, text);
      lastError = new HttpError(url, res.status, `HTTP ${res.status}: ${text.slice(0, 300)}`, retryable);
      if (!retryable) throw lastError;
      waitMs = retryAfterMs(res.headers);
      return undefined;
    };
    const result = options.limiter ? await options.limiter.run(once) : await once();
    if (result !== undefined) return result;
    if (attempt + 1 < options.retry.attempts) {
      const wait = waitMs !== null ? Math.min(waitMs, 60_000) : backoffMs(attempt, options.retry);
      await sleep(wait, undefined, { signal: options.signal }).catch(() => undefined);
    }
  }
  throw lastError ?? new HttpError(url, null, "no attempts made", false);
}
