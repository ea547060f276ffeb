// Idle watching: 50 runs x 200 complete checkpoints left watched (as a researcher leaves the app for days), CPU per
// wall second, beside the floor of one readdir per run per poll interval.
import { rmSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { watchRun } from "../../main/core/runs/watcher.js";
import { RunPoller } from "../../main/core/runs/poller.js";
import { Store } from "../../main/core/store/store.js";
import { hfCheckpointFiles, writeFilesNow } from "../support/checkpoints.js";
import type { Figure } from "./harness.js";

const RUNS = 50;
const CHECKPOINTS = 200;
const INTERVAL_MS = 2000;
// Long enough to include each run's sweep (a full poll once a minute).
const WALL_MS = 61_000;

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
    const share = watched / WALL_MS;
    return [
      {
        name: `idle watching of ${RUNS} runs x ${CHECKPOINTS} complete checkpoints, polled every ${INTERVAL_MS / 1000} s: ${(share * 100).toFixed(2)}% of one core (CPU ms per ${WALL_MS / 1000} s of wall time)`,
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
