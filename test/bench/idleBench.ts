// Idle watching: 50 runs x 200 complete checkpoints left watched (as a researcher leaves the app for days), CPU per
// wall second, beside the floor of one readdir per run per poll interval. The steady cost is measured between sweeps
// (a window shorter than SWEEP_MS), and each sweep's cost (one full poll of every run, measured on its own) is
// spread over the period it covers: share = between-sweep CPU / window + sweep CPU / SWEEP_MS. Measured in a fresh
// process (idleChild.ts), so what earlier benches left in this one (a large heap to collect, idle workers) is not
// counted as the watcher's.
import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { SWEEP_MS } from "../../main/core/runs/poller.js";
import { hfCheckpointFiles, writeFilesNow } from "../support/checkpoints.js";
import { PROJECT_ROOT } from "../support/sharedFixtures.js";
import type { Figure } from "./harness.js";

const RUNS = 50;
const CHECKPOINTS = 200;
const INTERVAL_MS = 2000;
const WALL_MS = 30_000;

/** What idleChild.ts prints: CPU ms watching, CPU ms of the readdir floor (each over WALL_MS), CPU ms of one sweep. */
export interface IdleMeasures {
  watched: number;
  floor: number;
  sweepMs: number;
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
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [join(PROJECT_ROOT, "dist", "test", "bench", "idleChild.js"), join(dir, "w.db"), String(INTERVAL_MS), String(WALL_MS), ...roots], { maxBuffer: 1 << 20 });
    const { watched, floor, sweepMs } = JSON.parse(stdout) as IdleMeasures;
    const share = watched / WALL_MS + sweepMs / SWEEP_MS;
    return [
      {
        name: `idle watching of ${RUNS} runs x ${CHECKPOINTS} complete checkpoints, polled every ${INTERVAL_MS / 1000} s, in a fresh process: ${(share * 100).toFixed(2)}% of one core (${watched.toFixed(0)} CPU ms in ${WALL_MS / 1000} s between sweeps, ${(100 * watched / WALL_MS).toFixed(2)}%; plus a sweep of every run, ${sweepMs.toFixed(0)} CPU ms, once per ${SWEEP_MS / 1000} s, ${(100 * sweepMs / SWEEP_MS).toFixed(2)}%)`,
        ms: watched,
        baselineName: "one readdir per run per interval, nothing else",
        baselineMs: floor,
        target: { text: "at most 2% of one core", met: share <= 0.02 },
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
