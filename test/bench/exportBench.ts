// Exports of 10 runs x 500 checkpoints by `driftscope export`, end to end as a researcher runs it (process start,
// store, layout, render, file and manifest written), per format, with CI bands and group means: a figure of 5 trait
// panels (the size of a paper figure; the target applies) and, for information, one of all 20 traits. Each beside
// the same machine's time for the cheapest command on the same workspace (`driftscope runs --json`).
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI } from "../support/cli.js";
import { buildScoresDb } from "../support/scoresDb.js";
import { median, type Figure } from "./harness.js";

const RUNS = 10;
const CHECKPOINTS = 500;
const TRAITS = 20;

function run(args: string[]): void {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`driftscope ${args.join(" ")} failed: ${r.stderr}`);
}

export async function exportBench(): Promise<Figure[]> {
  const dir = join(tmpdir(), `driftscope-bench-export-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  try {
    const db = join(dir, "w.db");
    const ids = buildScoresDb(db, { runs: RUNS, checkpoints: CHECKPOINTS, traits: TRAITS });
    const runs = ids.flatMap((id) => ["--run", String(id)]);
    const baseline = await median(5, () => run(["runs", "--db", db, "--json"]));
    const figures: Figure[] = [];
    const five = Array.from({ length: 5 }, (_, t) => ["--trait", `trait${t}`]).flat();
    for (const [traits, panels, target] of [[five, 5, true], [[], TRAITS, false]] as const) {
      for (const format of ["svg", "png", "pdf", "csv", "json"] as const) {
        const out = join(dir, `fig.${format}`);
        const ms = await median(3, () => run(["export", "--db", db, ...runs, ...traits, "--preset", "paper2", "--out", out]));
        figures.push({
          name: `export ${format.toUpperCase()}, ${RUNS} runs x ${CHECKPOINTS} checkpoints, ${panels} trait panels with CI and group means (${(statSync(out).size / 1024).toFixed(0)} KB; CLI end to end)`,
          ms,
          baselineName: "`driftscope runs --json` on the same workspace",
          baselineMs: baseline,
          ...(target ? { target: { text: "under 2000 ms", met: ms < 2000 } } : {}),
        });
      }
    }
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
