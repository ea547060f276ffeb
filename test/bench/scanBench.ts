// One poll of a run folder holding 1,000 checkpoints, against a plain recursive stat of the same tree done with the
// poller's own parallelism (its checkpoint folders walked JUDGE_CONCURRENCY at a time).
import { rmSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JUDGE_CONCURRENCY, RunPoller } from "../../main/core/runs/poller.js";
import { mapLimit } from "../../main/core/util/mapLimit.js";
import { Store } from "../../main/core/store/store.js";
import { hfCheckpointFiles, writeFilesNow } from "../support/checkpoints.js";
import { median, type Figure } from "./harness.js";

const CHECKPOINTS = 1000;

async function plainRecursiveStat(dir: string): Promise<number> {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) n += await plainRecursiveStat(p);
    else {
      await stat(p);
      n++;
    }
  }
  return n;
}

/** The root listed, then its folders stat'ed recursively, as many at once as the poller judges checkpoints. */
async function parallelRecursiveStat(root: string): Promise<number> {
  const entries = await readdir(root, { withFileTypes: true });
  const counts = await mapLimit(entries, JUDGE_CONCURRENCY, async (e) => {
    const p = join(root, e.name);
    if (e.isDirectory()) return plainRecursiveStat(p);
    await stat(p);
    return 1;
  });
  return counts.reduce((a, b) => a + b, 0);
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
    // A first poll happens once per workspace: each of the three is a fresh workspace's first poll of the folder.
    // The workspaces are opened before the timer; only their polls are timed.
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
        name: `first poll of the same folder (verifies every checkpoint: headers, JSON, fingerprints, ${CHECKPOINTS} inserts; median of 3 fresh workspaces)`,
        ms: first,
        baselineName: `recursive stat of the same tree, ${JUDGE_CONCURRENCY} checkpoint folders at a time (the poller's parallelism)`,
        baselineMs: baseline,
        target: { text: "at most 3x", met: first <= 3 * baseline },
      },
    ];
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
