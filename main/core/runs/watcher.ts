// Keeps polling a run folder. Polling is the source of truth (network and FUSE file systems miss events);
// fs.watch only makes the next poll come sooner.
import { watch, type FSWatcher } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type { Store } from "../store/store.js";
import { RunPoller, type PollOptions, type PollResult } from "./poller.js";

export const DEFAULT_INTERVAL_MS = 2000;
export const DEFAULT_QUIET_PERIOD_MS = 10_000;

export interface WatchOptions extends Partial<PollOptions> {
  intervalMs?: number;
  /** Return as soon as no checkpoint is still settling (the CLI's --once). */
  once?: boolean;
  signal?: AbortSignal;
  onPoll?: (result: PollResult) => void;
}

/** Polls until aborted (or, with once, until nothing is settling). Never throws for problems in the folder. */
export async function watchRun(store: Store, runId: number, options: WatchOptions = {}): Promise<PollResult> {
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const poller = new RunPoller(store, runId, {
    quietPeriodMs: options.quietPeriodMs ?? DEFAULT_QUIET_PERIOD_MS,
    now: options.now,
    onProblem: options.onProblem,
    followLinks: options.followLinks,
  });
  let hint: AbortController | null = null;
  let fsWatcher: FSWatcher | null = null;
  if (!options.once) {
    try {
      fsWatcher = watch(store.runs.getRun(runId)!.path, { persistent: false }, () => hint?.abort());
      fsWatcher.on("error", () => fsWatcher?.close());
    } catch {
      fsWatcher = null; // not every file system supports it; polling alone is enough
    }
  }
  try {
    for (;;) {
      const result = await poller.poll();
      options.onPoll?.(result);
      if (options.once && result.settling === 0) return result;
      if (options.signal?.aborted) return result;
      hint = new AbortController();
      const signals = [hint.signal, ...(options.signal ? [options.signal] : [])];
      // A change hint wakes the loop early, but not sooner than a fifth of the interval, so a busy writer cannot spin it.
      await sleep(intervalMs / 5);
      await sleep(intervalMs - intervalMs / 5, undefined, { signal: AbortSignal.any(signals) }).catch(() => undefined);
      if (options.signal?.aborted) return result;
    }
  } finally {
    fsWatcher?.close();
  }
}
