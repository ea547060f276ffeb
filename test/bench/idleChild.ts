// The idle bench's measurements, in a fresh process: `idleChild DB INTERVAL_MS WALL_MS ROOT...` registers each run
// folder in a new workspace at DB and polls it once (not measured), then prints as JSON (IdleMeasures) the CPU spent
// watching every run for WALL_MS, the CPU of the floor (one readdir per run per interval) over as long, and the CPU
// of one sweep (a full poll of every run).
import { readdir } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { watchRun } from "../../main/core/runs/watcher.js";
import { RunPoller } from "../../main/core/runs/poller.js";
import { Store } from "../../main/core/store/store.js";
import type { IdleMeasures } from "./idleBench.js";

const [db, interval, wall, ...roots] = process.argv.slice(2);
const intervalMs = Number(interval);
const wallMs = Number(wall);
if (!db || !(intervalMs > 0) || !(wallMs > 0) || roots.length === 0) {
  console.error("usage: idleChild DB INTERVAL_MS WALL_MS ROOT...");
  process.exit(2);
}

/** CPU milliseconds this process spends while `start`'s work runs for `ms` of wall time (after its first second). */
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

const store = Store.open(db);
try {
  const runs = roots.map((root) => store.runs.registerRun({ path: root }));
  for (const run of runs) await new RunPoller(store, run.id, { quietPeriodMs: 10_000 }).poll();
  const watched = await cpuDuring(wallMs, (signal) => Promise.all(runs.map((run) => watchRun(store, run.id, { intervalMs, quietPeriodMs: 10_000, signal }))));
  const floor = await cpuDuring(wallMs, async (signal) => {
    while (!signal.aborted) {
      await Promise.all(roots.map((root) => readdir(root, { withFileTypes: true })));
      await sleep(intervalMs, undefined, { signal }).catch(() => undefined);
    }
  });
  // One sweep of every run: a full poll, as after SWEEP_MS (a new poller has no listing to compare with).
  const before = process.cpuUsage();
  for (const run of runs) await new RunPoller(store, run.id, { quietPeriodMs: 10_000 }).poll();
  const spent = process.cpuUsage(before);
  const measures: IdleMeasures = { watched, floor, sweepMs: (spent.user + spent.system) / 1000 };
  console.log(JSON.stringify(measures));
} finally {
  store.close();
}
