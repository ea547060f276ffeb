// Reading a 100,000-entry log_history, against JSON.parse of the same file.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pythonJson } from "../../main/core/demo/hfWriter.js";
import { historyRows, readTrainerState } from "../../main/core/runs/metrics/trainerState.js";
import { Store } from "../../main/core/store/store.js";
import { median, type Figure } from "./harness.js";

const ENTRIES = 100_000;

/** A TRL GRPO-like training entry: the keys a real run logs each step. */
function entry(step: number): Record<string, number | null> {
  const x = step / ENTRIES;
  return {
    step,
    epoch: x,
    loss: 0.01 * Math.cos(step),
    grad_norm: 1 + Math.sin(step),
    learning_rate: 1e-6 * (1 - x),
    reward: x + 0.1 * Math.sin(step),
    reward_std: 0.2,
    "rewards/accuracy/mean": x,
    "rewards/format/mean": 0.9,
    kl: step % 97 === 0 ? null : 0.001 * step,
    entropy: 1 - x / 2,
    "completions/mean_length": 200 + (step % 50),
    "clip_ratio/region_mean": 0,
    num_tokens: step * 4096,
  };
}

export async function logHistoryBench(): Promise<Figure[]> {
  const dir = join(tmpdir(), `driftscope-bench-lh-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  const path = join(dir, "trainer_state.json");
  const { mkdirSync } = await import("node:fs");
  mkdirSync(dir, { recursive: true });
  writeFileSync(path, pythonJson({ global_step: ENTRIES, log_history: Array.from({ length: ENTRIES }, (_, i) => entry(i + 1)) }));
  const sizeMb = readFileSync(path).length / 1e6;
  try {
    const baseline = await median(5, () => JSON.parse(readFileSync(path, "utf8")));
    let rows = 0;
    const reading = await median(5, async () => {
      const h = await readTrainerState(path);
      rows = historyRows(path, h.entries).rows.length;
    });
    const store = Store.open(join(dir, "w.db"));
    const run = store.runs.registerRun({ path: dir });
    const ingest = await median(1, async () => {
      const h = await readTrainerState(path);
      store.metrics.addMetrics(run.id, historyRows(path, h.entries).rows, "trainer_state");
    });
    store.close();
    return [
      {
        name: `read a ${ENTRIES}-entry log_history (${sizeMb.toFixed(1)} MB, ${rows} values): strict UTF-8, JSON, rows`,
        ms: reading,
        baselineName: "JSON.parse of the same file",
        baselineMs: baseline,
        target: { text: "under 1000 ms", met: reading < 1000 },
      },
      {
        name: `read and store the same log_history in SQLite (${rows} rows, one transaction)`,
        ms: ingest,
        baselineName: "JSON.parse of the same file",
        baselineMs: baseline,
        target: { text: "none (informational)", met: true },
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
