// Idle watching: 50 runs x 200 complete checkpoints left watched (as a researcher leaves the app for days), CPU per
// wall second, beside the floor of one readdir per run per poll interval. The steady cost is measured between sweeps
// (a window shorter than SWEEP_MS), and each sweep's cost (one full poll of every run, measured on its own) is
// spread over the period it covers: share = between-sweep CPU / window + sweep CPU / SWEEP_MS.
import { rmSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { watchRun } from "../../main/core/runs/watcher.js";
import { RunPoller, SWEEP_MS } from "../../main/core/runs/poller.js";
import { Store } from "../../main/core/store/store.js";
import { hfCheckpointFiles, writeFilesNow } from "../support/checkpoints.js";
import type { Figure } from "./harness.js";

const RUNS = 50;
const CHECKPOINTS = 200;
const INTERVAL_MS = 2000;
const WALL_MS = 30_000;

/** CPU milliseconds this process spends while `fn` runs for `ms` of wall time. */
async function cpuDuring(ms: number, start: (signal: AbortSignal) => Promise<unknown>): Promise<number> {
  const ac = new AbortController();
  const running = start(ac.signal);
  await sleep(1000); // past the first round
  const before = process.cpuUsage();
  await sleep(ms);
  const used = process.cpuUsage(before);
  ac.abort();
  await running;
  return (used.user + used.system) / 1000;
}

export async function idleBench(): Promise<Figure[]> {
  const dir = join(tmpdir(), `driftscope-bench-idle-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  const old = Date.now() / 1000 - 3600;
  const roots: string[] = [];
  for (let r = 0; r < RUNS; r++) {
    const root = join(dir, `run-${r}`);
    roots.push(root);
    for (let i = 1; i <= CHECKPOINTS; i++) writeFilesNow(join(root, `checkpoint-${i * 10}`), hfCheckpointFiles(i * 10, "lora"), old);
  }
  const store = Store.open(join(dir, "w.db"));
  try {
    const runs = roots.map((root) => store.runs.registerRun({ path: root }));
    for (const run of runs) await new RunPoller(store, run.id, { quietPeriodMs: 10_000 }).poll();
    const watched = await cpuDuring(WALL_MS, (signal) => Promise.all(runs.map((run) => watchRun(store, run.id, { intervalMs: INTERVAL_MS, quietPeriodMs: 10_000, signal }))));
    const floor = await cpuDuring(WALL_MS, async (signal) => {
      while (!signal.aborted) {
        await Promise.all(roots.map((root) => readdir(root, { withFileTypes: true })));
        await sleep(INTERVAL_MS, undefined, { signal }).catch(() => undefined);
      }
    });
    // One sweep of every run: a full poll, as after SWEEP_MS (a new poller has no listing to compare with).
    const before = process.cpuUsage();
    for (const run of runs) await new RunPoller(store, run.id, { quietPeriodMs: 10_000 }).poll();
    const spent = process.cpuUsage(before);
    const sweepMs = (spent.user + spent.system) / 1000;
    const share = watched / WALL_MS + sweepMs / SWEEP_MS;
    return [
      {
        name: `idle watching of ${RUNS} runs x ${CHECKPOINTS} complete checkpoints, polled every ${INTERVAL_MS / 1000} s: ${(share * 100).toFixed(2)}% of one core (${watched.toFixed(0)} CPU ms in ${WALL_MS / 1000} s between sweeps, ${(100 * watched / WALL_MS).toFixed(2)}%; plus a sweep of every run, ${sweepMs.toFixed(0)} CPU ms, once per ${SWEEP_MS / 1000} s, ${(100 * sweepMs / SWEEP_MS).toFixed(2)}%)`,
        ms: watched,
        baselineName: "one readdir per run per interval, nothing else",
        baselineMs: floor,
        target: { text: "at most 2% of one core", met: share <= 0.02 },
      },
    ];
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
