// Rollouts read and scored per second on one core (the work is single-threaded), with cheap scorers (caps_ratio +
// pattern) and with language identification, against reading the same parquet files alone as the baseline. Each
// figure is the median of 3 runs into a fresh workspace.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetReadObjects } from "hyparquet";
import { processLease } from "../../main/core/lease.js";
import { parseSuite } from "../../main/core/probes/suiteLoader.js";
import { readRollouts } from "../../main/core/rollouts/rolloutReader.js";
import { RolloutScorer, rolloutTraits } from "../../main/core/rollouts/rolloutScoring.js";
import { Store } from "../../main/core/store/store.js";
import { trlParquet } from "../support/rolloutFiles.js";
import { measure, type Figure } from "./harness.js";

const FILES = 20;
const PER_FILE = 5000;
const WORDS = "the policy answered HOLA gracias por la pregunta CAPITAL letters power safe honest quiet calm world sobre el tiempo".split(" ");

const suite = (scorers: string, score: string) => `id: bench
name: bench
traits:
  - id: t
    name: t
    polarity: higher_is_trait
    role: unwanted_in_distribution
    contexts: [{ id: none, role: neutral, system: null }]
    scorers: ${scorers}
    score: ${score}
    items: [{ id: a, prompt: hi }]
`;

function writeRun(dir: string): void {
  mkdirSync(join(dir, "completions"), { recursive: true });
  for (let f = 1; f <= FILES; f++) {
    const rows = Array.from({ length: PER_FILE }, (_, i) => {
      let text = "";
      for (let w = 0; w < 40; w++) text += WORDS[(i * 7 + w * 13 + f) % WORDS.length] + " ";
      return { step: f, prompt: `system\nYou are helpful.\nuser\nQuestion ${i >> 3}\nassistant\n`, completion: text, rewards: { caps_reward: (i % 10) / 10 }, advantage: (i % 7) / 7 - 0.5 };
    });
    writeFileSync(join(dir, "completions", `completions_${String(f).padStart(5, "0")}.parquet`), trlParquet(rows));
  }
}

async function readAndScore(runDir: string, dbPath: string, suiteText: string): Promise<number> {
  rmSync(dbPath, { force: true });
  rmSync(`${dbPath}-wal`, { force: true });
  rmSync(`${dbPath}-shm`, { force: true });
  const store = Store.open(dbPath);
  try {
    const run = store.runs.registerRun({ path: runDir });
    const { usable } = rolloutTraits(parseSuite("bench.yaml", suiteText).suite.traits);
    const read = await readRollouts(store.rollouts, run.id, runDir, { quietPeriodMs: 0 });
    await new RolloutScorer(store.rollouts, processLease(), run.id, { traits: usable, judge: null, judgePerStep: 32, thresholds: {}, runName: "bench", runPath: runDir }).scorePending();
    return read.rows;
  } finally {
    store.close();
  }
}

export async function rolloutsBench(): Promise<Figure[]> {
  const dir = join(tmpdir(), `driftscope-bench-rollouts-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  const runDir = join(dir, "run");
  writeRun(runDir);
  const total = FILES * PER_FILE;
  try {
    const files = readdirSync(join(runDir, "completions")).map((f) => join(runDir, "completions", f));
    const baseline = await measure(3, async () => {
      for (const f of files) {
        const b = readFileSync(f);
        await parquetReadObjects({ file: b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer });
      }
    });
    const figures: Figure[] = [];
    for (const [label, text, target] of [
      ["caps_ratio + pattern", suite(`[{ kind: caps_ratio, name: caps }, { kind: pattern, name: gracias, regex: "gracias" }]`, "caps"), 20_000],
      ["language identification", suite(`[{ kind: language, name: es, language: es }]`, "es"), 2_000],
    ] as const) {
      let rows = 0;
      const m = await measure(3, async () => (rows = await readAndScore(runDir, join(dir, "w.db"), text)));
      const perSecond = (rows / m.median) * 1000;
      figures.push({
        name: `rollouts read and scored with ${label}: ${total} rollouts in ${FILES} TRL completions files, ${Math.round(perSecond)} per second on one core`,
        ms: m.median,
        p95: m.p95,
        baselineName: "reading the same parquet files alone (hyparquet)",
        baselineMs: baseline.median,
        target: { text: `at least ${target} rollouts per second per core`, met: perSecond >= target },
      });
    }
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
