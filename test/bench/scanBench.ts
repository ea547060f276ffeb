// One poll of a run folder holding 1,000 checkpoints, against a plain recursive stat of the same tree done with the
// poller's own parallelism (its checkpoint folders walked JUDGE_CONCURRENCY at a time). The first poll is measured
// cold (the first in a fresh process, as a `driftscope watch --once` makes it, against the raw stat as the first in
// a fresh process) and warm (a new workspace's first poll in a process that has polled before, as the app adds a
// run, against the raw stat repeated in process); the page cache is warm for both sides in both.
import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { JUDGE_CONCURRENCY, RunPoller } from "../../main/core/runs/poller.js";
import { Store } from "../../main/core/store/store.js";
import { hfCheckpointFiles, writeFilesNow } from "../support/checkpoints.js";
import { PROJECT_ROOT } from "../support/sharedFixtures.js";
import { median, summarise, type Figure } from "./harness.js";
import { parallelRecursiveStat } from "./rawStat.js";

const CHECKPOINTS = 1000;

/** One `scanChild` measurement in a fresh process: its milliseconds. */
async function inFreshProcess(args: string[]): Promise<number> {
  const { stdout } = await promisify(execFile)(process.execPath, [join(PROJECT_ROOT, "dist", "test", "bench", "scanChild.js"), ...args]);
  return (JSON.parse(stdout) as { ms: number }).ms;
}

export async function scanBench(): Promise<Figure[]> {
  const dir = join(tmpdir(), `driftscope-bench-scan-${process.pid}`);
  const root = join(dir, "run");
  rmSync(dir, { recursive: true, force: true });
  const old = Date.now() / 1000 - 3600;
  for (let i = 1; i <= CHECKPOINTS; i++) {
    const extras = ["optimizer.pt", "scheduler.pt", "rng_state.pth"].map((name) => ({ name, text: "x" }));
    writeFilesNow(join(root, `checkpoint-${i * 10}`), [...hfCheckpointFiles(i * 10, "lora", [{ step: i * 10, loss: 1 / i }]), ...extras], old);
  }
  const fresh = (name: string) => {
    const store = Store.open(join(dir, name));
    const run = store.runs.registerRun({ path: root });
    return { store, run, poller: new RunPoller(store, run.id, { quietPeriodMs: 10_000 }) };
  };
  const { store, run, poller } = fresh("w.db");
  try {
    await parallelRecursiveStat(root); // warm the page cache for both sides
    const baseline = await median(9, () => parallelRecursiveStat(root));
    // Cold: the two sides alternate, five fresh processes each, so a noisy neighbour slows both alike.
    const statsCold: number[] = [];
    const pollsCold: number[] = [];
    for (let i = 0; i < 5; i++) {
      statsCold.push(await inFreshProcess(["stat", root]));
      pollsCold.push(await inFreshProcess(["poll", root, join(dir, `cold-${i}.db`)]));
    }
    const baselineCold = summarise(statsCold).median;
    const firstCold = summarise(pollsCold).median;
    // Warm: a throwaway workspace's first poll compiles the poller's code; then three fresh workspaces' first polls.
    // The workspaces are opened before the timer; only their polls are timed.
    const warmUp = fresh("warm-up.db");
    await warmUp.poller.poll();
    warmUp.store.close();
    const others = [0, 1, 2].map((i) => fresh(`first-${i}.db`));
    let next = 0;
    const first = await median(3, () => others[next++]!.poller.poll());
    for (const o of others) o.store.close();
    await poller.poll();
    const steady = await median(9, () => poller.poll());
    const complete = store.runs.listCheckpoints(run.id).filter((c) => c.state === "pending").length;
    if (complete !== CHECKPOINTS) throw new Error(`bench setup: ${complete} of ${CHECKPOINTS} checkpoints complete`);
    return [
      {
        name: `poll of a run folder with ${CHECKPOINTS} checkpoints (steady state)`,
        ms: steady,
        baselineName: `recursive stat of the same tree, ${JUDGE_CONCURRENCY} checkpoint folders at a time (the poller's parallelism)`,
        baselineMs: baseline,
        target: { text: "at most 3x", met: steady <= 3 * baseline },
      },
      {
        name: `first poll of the same folder, cold: the first in a fresh process (verifies every checkpoint: headers, JSON, fingerprints, ${CHECKPOINTS} inserts; median of 5 processes, each a new workspace)`,
        ms: firstCold,
        baselineName: `recursive stat of the same tree, ${JUDGE_CONCURRENCY} checkpoint folders at a time, the first in a fresh process (median of 5, alternating with the polls)`,
        baselineMs: baselineCold,
        target: { text: "at most 3x", met: firstCold <= 3 * baselineCold },
      },
      {
        name: `first poll of the same folder, warm: a new workspace's first poll in a process that has polled before (median of 3 workspaces)`,
        ms: first,
        baselineName: `recursive stat of the same tree, ${JUDGE_CONCURRENCY} checkpoint folders at a time, repeated in process (median of 9)`,
        baselineMs: baseline,
        target: { text: "at most 3x", met: first <= 3 * baseline },
      },
    ];
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
