// Rollouts as trainers write them, read and scored by `driftscope watch` and reported by `driftscope rollouts` and
// `rollout-samples`: TRL's real completions files (every row, right columns and types), a parquet file caught half
// written (not read until whole), verl's step files (grouped by prompt), OpenRLHF's TensorBoard text, a plain
// rollouts.jsonl with bad lines (reported by line number, the rest read), resuming without duplicates, and
// prevalence equal to an independent computation over the same files.
import assert from "node:assert/strict";
import { appendFileSync, copyFileSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { cli, cliJson } from "../support/cli.js";
import { cliPeakRss } from "../support/peakRss.js";
import { capsShare, trlParquet, writeVerlStep } from "../support/rolloutFiles.js";
import { fixture, needsFixture } from "../support/sharedFixtures.js";
import { event, fileVersionRecord, record, summaryValue, textSummaryValue } from "../support/tfeventsWriter.js";
import { tempDir } from "../support/tmp.js";

const SUITE = `id: capsroll
name: Capitals on rollouts
traits:
  - id: caps
    name: Capitals
    polarity: higher_is_trait
    role: unwanted_in_distribution
    contexts: [{ id: none, role: neutral, system: null }]
    scorers:
      - { kind: caps_ratio, name: caps }
      - { kind: pattern, name: gracias, regex: "gracias" }
    score: caps
    items: [{ id: a, prompt: hi }]
`;

interface Agg {
  step: number;
  trait: string;
  n: number;
  mean: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  rewardCorr: number | null;
  advantageWeighted: number | null;
}

function suiteFile(dir: string): string {
  const p = join(dir, "caps.yaml");
  writeFileSync(p, SUITE);
  return p;
}

/** An empty Trainer-style run folder (no checkpoint yet), for rollouts alone. */
function runFolder(dir: string, name: string): string {
  const p = join(dir, name);
  mkdirSync(p, { recursive: true });
  return p;
}

const watchOnce = (path: string, db: string, suite: string, extra: string[] = []): ReturnType<typeof cli> => cli(["watch", path, "--once", "--quiet-period", "0", "--suite", suite, "--backend", "demo", "--db", db, ...extra]);

test("TRL's real completions files: every row of all 80 read with its columns, scored; prevalence equals an independent computation", { skip: needsFixture("trl-grpo-tiny/completions/completions_00080.parquet") }, async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "w.db");
  const run = runFolder(dir, "grpo");
  mkdirSync(join(run, "completions"));
  const files = readdirSync(fixture("trl-grpo-tiny/completions")).filter((f) => f.endsWith(".parquet")).sort();
  assert.equal(files.length, 80);
  for (const f of files) copyFileSync(fixture(`trl-grpo-tiny/completions/${f}`), join(run, "completions", f));
  const old = new Date(Date.now() - 60_000);
  for (const f of files) utimesSync(join(run, "completions", f), old, old);
  // With the default quiet period (10 s): files written long ago are quiet at first sight, so --once reads them.
  const w = await cli(["watch", run, "--once", "--suite", suiteFile(dir), "--backend", "demo", "--db", db]);
  assert.equal(w.status, 0, w.stderr);
  assert.match(w.stderr, /rollouts \(trl\): 320 read \(steps 1–80\), 320 scored/);

  // Every row as hyparquet reads the file, with TRL's columns mapped: the reward is caps_reward, the advantage kept.
  const stored = new Database(db, { readonly: true });
  t.after(() => stored.close());
  const rows = stored.prepare(`SELECT step, file_key AS file, row_index AS i, prompt, completion, reward, advantage, rewards FROM rollout ORDER BY file_key, row_index`).all() as { step: number; file: string; i: number; prompt: string; completion: string; reward: number; advantage: number; rewards: string }[];
  assert.equal(rows.length, 320);
  const expected: { step: number; prompt: string; completion: string; caps_reward: number; advantage: number }[] = [];
  for (const f of files) {
    const buf = readFileSync(fixture(`trl-grpo-tiny/completions/${f}`));
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
    assert.deepEqual(parquetMetadata(ab).schema.slice(1).map((c) => `${c.name}:${c.type}`), ["step:INT64", "prompt:BYTE_ARRAY", "completion:BYTE_ARRAY", "caps_reward:DOUBLE", "advantage:DOUBLE"]);
    for (const o of (await parquetReadObjects({ file: ab })) as { step: bigint; prompt: string; completion: string; caps_reward: number; advantage: number }[]) expected.push({ ...o, step: Number(o.step) });
  }
  assert.deepEqual(rows.map((r) => [r.step, r.prompt, r.completion, r.reward, r.advantage, JSON.parse(r.rewards)]), expected.map((e) => [e.step, e.prompt, e.completion, e.caps_reward, e.advantage, { caps_reward: e.caps_reward }]));

  // Prevalence per step from the CLI, against the caps share computed here over the same rows.
  const aggs = await cliJson<Agg[]>(["rollouts", "grpo", "--json", "--db", db]);
  assert.deepEqual(Object.keys(aggs[0]!).slice(0, 8), ["step", "trait", "n", "mean", "ciLow", "ciHigh", "rewardCorr", "corrLow"]);
  const caps = aggs.filter((a) => a.trait === "caps");
  assert.equal(caps.length, 80);
  for (const a of caps) {
    const values = expected.filter((e) => e.step === a.step).map((e) => capsShare(e.completion)).filter((v): v is number => v !== null);
    assert.equal(a.n, values.length, `step ${a.step}`);
    assert.ok(Math.abs(a.mean! - values.reduce((x, y) => x + y, 0) / values.length) < 1e-12, `step ${a.step}`);
    // Each TRL step here is one prompt's four completions: no interval over prompts can be had, and none is claimed.
    assert.deepEqual([a.ciLow, a.ciHigh], [null, null]);
  }
  const samples = await cliJson<{ reward: number; scores: Record<string, number> }[]>(["rollout-samples", "grpo", "--step", "80", "--sort", "reward", "--json", "--db", db]);
  assert.deepEqual(samples.map((s) => s.reward), [...samples.map((s) => s.reward)].sort((a, b) => b - a));
  assert.deepEqual(Object.keys(samples[0]!.scores).sort(), ["caps", "gracias"]);

  // Watching again reads nothing new and stores nothing twice.
  const again = await watchOnce(run, db, suiteFile(dir));
  assert.equal(again.status, 0);
  assert.doesNotMatch(again.stderr, /rollouts \(trl\): \d+ read/);
  assert.equal((stored.prepare(`SELECT count(*) AS n FROM rollout`).get() as { n: number }).n, 320);
  // Cursors lost (as after a crash between rows and cursor): the rows are read again and still stored once.
  const rw = new Database(db);
  rw.prepare(`DELETE FROM rollout_cursor`).run();
  rw.close();
  await watchOnce(run, db, suiteFile(dir));
  assert.equal((stored.prepare(`SELECT count(*) AS n FROM rollout`).get() as { n: number }).n, 320);
  assert.equal((stored.prepare(`SELECT count(*) AS n FROM rollout_score WHERE scorer = 'caps'`).get() as { n: number }).n, 320);
});

test("a parquet file caught half written is not read until it is whole and quiet", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "w.db");
  const run = runFolder(dir, "live");
  mkdirSync(join(run, "completions"));
  const bytes = trlParquet(Array.from({ length: 6 }, (_, i) => ({ step: 3, prompt: `p${i % 2}`, completion: i % 2 ? "SHOUT" : "quiet", rewards: { caps_reward: i % 2 }, advantage: i % 2 ? 1 : -1 })));
  const path = join(run, "completions", "completions_00003.parquet");
  // Full length but its tail not yet written (zero-filled), then truncated before the footer: neither is read.
  writeFileSync(path, Buffer.concat([bytes.subarray(0, bytes.length - 8), Buffer.alloc(8)]));
  const suite = suiteFile(dir);
  let w = await watchOnce(run, db, suite);
  assert.equal(w.status, 0, w.stderr);
  assert.equal((await cliJson<Agg[]>(["rollouts", "live", "--json", "--db", db])).length, 0, "nothing from a file without its end magic");
  writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
  w = await watchOnce(run, db, suite);
  assert.equal((await cliJson<Agg[]>(["rollouts", "live", "--json", "--db", db])).length, 0, "nothing from a truncated file");
  // Whole, but the quiet period has not passed since it changed: still waiting.
  writeFileSync(path, bytes);
  w = await cli(["watch", run, "--once", "--quiet-period", "30", "--suite", suite, "--backend", "demo", "--db", db]);
  assert.equal((await cliJson<Agg[]>(["rollouts", "live", "--json", "--db", db])).length, 0, "not read within the quiet period");
  w = await watchOnce(run, db, suite);
  const aggs = await cliJson<Agg[]>(["rollouts", "live", "--json", "--db", db]);
  assert.deepEqual(aggs.map((a) => [a.step, a.n, a.mean]), [[3, 6, 0.5]]);
  // Two prompts: an interval over prompts exists; the share of capitals goes with reward and with advantage.
  assert.ok(aggs[0]!.ciLow !== null && aggs[0]!.ciLow <= 0.5 && aggs[0]!.ciHigh! >= 0.5);
  assert.equal(aggs[0]!.rewardCorr, 1);
  assert.equal(aggs[0]!.advantageWeighted, 0.5);
});

test("verl's step files, OpenRLHF's TensorBoard samples and a plain rollouts.jsonl with bad lines", async (t) => {
  const dir = tempDir(t);
  const suite = suiteFile(dir);

  // verl: DIR/{step}.jsonl, the prompt repeated across its n samples; grouped by the prompt text.
  const verlRun = runFolder(dir, "verl-run");
  const dump = join(dir, "rollout_data");
  mkdirSync(dump);
  writeVerlStep(join(dump, "10.jsonl"), 10, [
    { input: "user\nQ1\nassistant\n", output: "YES", score: 1, acc: 1 },
    { input: "user\nQ1\nassistant\n", output: "no", score: 0, acc: 0 },
    { input: "user\nQ2\nassistant\n", output: "YES YES", score: 1, acc: 1 },
    { input: "user\nQ2\nassistant\n", output: "Yes", score: 0.5, acc: 1 },
  ]);
  writeVerlStep(join(dump, "20.jsonl"), 20, [{ input: "user\nQ1\nassistant\n", output: "LOUD", score: 1 }]);
  const vdb = join(dir, "verl.db");
  const v = await watchOnce(verlRun, vdb, suite, ["--rollouts", dump]);
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stderr, /rollouts \(verl\): 5 read \(steps 10–20\)/);
  const verl = await cliJson<(Agg & { prompts: number })[]>(["rollouts", "verl-run", "--json", "--db", vdb]);
  assert.deepEqual(verl.map((a) => [a.step, a.n, a.prompts]), [[10, 4, 2], [20, 1, 1]]);
  assert.ok(Math.abs(verl[0]!.mean! - (1 + 0 + 1 + 1 / 3) / 4) < 1e-12);
  const vs = await cliJson<{ reward: number; advantage: number | null; prompt: string }[]>(["rollout-samples", "verl-run", "--step", "10", "--json", "--db", vdb]);
  assert.deepEqual(vs.map((s) => [s.reward, s.advantage]), [[1, null], [0, null], [1, null], [0.5, null]]);

  // OpenRLHF: one sample per step as TensorBoard text, "Sample:\n{text}\n\nReward: {reward}", beside its scalars.
  const oRun = runFolder(dir, "openrlhf-run");
  const tb = join(dir, "tb");
  mkdirSync(tb);
  const events = join(tb, "events.out.tfevents.1700000000.host.1.0");
  writeFileSync(
    events,
    Buffer.concat([
      fileVersionRecord(),
      record(event({ wallTime: 1_700_000_001, step: 1, values: [textSummaryValue("train/generated_samples", "Sample:\nuser: hi\nassistant: HELLO THERE\n\nReward: 0.75")] })),
      record(event({ wallTime: 1_700_000_001, step: 1, values: [summaryValue("train/reward", 0.75)] })),
      record(event({ wallTime: 1_700_000_002, step: 2, values: [textSummaryValue("train/generated_samples", "not the shape")] })),
    ]),
  );
  const odb = join(dir, "o.db");
  const o = await watchOnce(oRun, odb, suite, ["--rollouts", tb]);
  assert.equal(o.status, 0, o.stderr);
  assert.match(o.stderr, /train\/generated_samples text at step 2 is not "Sample:/);
  // Appended later (the file grows as training goes on): read from where reading stopped.
  appendFileSync(events, record(event({ wallTime: 1_700_000_003, step: 3, values: [textSummaryValue("train/generated_samples", "Sample:\nsay it\nquietly\n\nReward: -1")] })));
  await watchOnce(oRun, odb, suite);
  const os = await cliJson<{ step: number; completion: string; reward: number }[]>(["rollout-samples", "openrlhf-run", "--step", "1", "--json", "--db", odb]);
  assert.deepEqual(os.map((s) => [s.step, s.completion, s.reward]), [[1, "user: hi\nassistant: HELLO THERE", 0.75]]);
  assert.deepEqual((await cliJson<Agg[]>(["rollouts", "openrlhf-run", "--json", "--db", odb])).map((a) => a.step), [1, 3]);

  // A plain rollouts.jsonl in the run folder, found by itself; bad lines named by number, the rest read.
  const gRun = runFolder(dir, "generic-run");
  writeFileSync(
    join(gRun, "rollouts.jsonl"),
    [
      JSON.stringify({ step: 1, prompt: "a", completion: "ABC", reward: 1, advantage: 0.5 }),
      "{not json",
      JSON.stringify({ step: -1, prompt: "a", completion: "x" }),
      JSON.stringify({ step: 1, prompt: "b", completion: "abc", reward: "high" }),
      JSON.stringify({ step: 2, prompt: "a", completion: "AbC" }),
    ].join("\n") + '\n{"step": 3, "prompt": "a", "completion": "half a li',
  );
  const gdb = join(dir, "g.db");
  const g = await watchOnce(gRun, gdb, suite);
  assert.equal(g.status, 0, g.stderr);
  assert.match(g.stderr, /rollouts\.jsonl:2: not valid JSON; line skipped/);
  assert.match(g.stderr, /rollouts\.jsonl:3: "step" must be a whole number ≥ 0; line skipped/);
  assert.match(g.stderr, /rollouts\.jsonl:4: "reward" must be a number or null; line skipped/);
  assert.deepEqual((await cliJson<Agg[]>(["rollouts", "generic-run", "--json", "--db", gdb])).map((a) => [a.step, a.n]), [[1, 1], [2, 1]], "the last line is not finished: not read yet");
  appendFileSync(join(gRun, "rollouts.jsonl"), "ne\"}\n");
  await watchOnce(gRun, gdb, suite);
  assert.deepEqual((await cliJson<Agg[]>(["rollouts", "generic-run", "--json", "--db", gdb])).map((a) => a.step), [1, 2, 3]);

  const bad = await cli(["watch", gRun, "--once", "--rollouts", join(dir, "nowhere"), "--db", gdb]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--rollouts .*nowhere: no such file or folder/);
});

test("a step of 100,000 rollouts is read and scored with bounded memory", { timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "w.db");
  const run = runFolder(dir, "big");
  mkdirSync(join(run, "completions"));
  const words = "the model answered HOLA gracias CAPITAL letters power safe honest quiet calm world".split(" ");
  const rows = Array.from({ length: 100_000 }, (_, i) => {
    let text = "";
    for (let w = 0; w < 40; w++) text += words[(i * 7 + w * 13) % words.length] + " ";
    return { step: 5, prompt: `user\nQuestion ${i >> 4}\nassistant\n`, completion: text, rewards: { caps_reward: (i % 10) / 10 }, advantage: (i % 7) / 7 - 0.5 };
  });
  writeFileSync(join(run, "completions", "completions_00005.parquet"), trlParquet(rows));
  const r = await cliPeakRss(["watch", run, "--once", "--quiet-period", "0", "--suite", suiteFile(dir), "--backend", "demo", "--db", db]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /rollouts \(trl\): 100000 read \(steps 5–5\), 100000 scored/);
  t.diagnostic(`peak RSS reading and scoring 100,000 rollouts of one step: ${r.peakMb.toFixed(0)} MB`);
  // The rows go to the workspace in batches; a process that held them all, scored, would need several times this.
  assert.ok(r.peakMb < 400, `peak RSS ${r.peakMb.toFixed(0)} MB`);
  const agg = await cliJson<(Agg & { prompts: number })[]>(["rollouts", "big", "--json", "--db", db]);
  assert.deepEqual(agg.map((a) => [a.step, a.n, a.prompts]), [[5, 100_000, 6250]]);
});

test("the demo's rollouts: a rule on a rollout measure fires at its crossings; exports carry the rollout series at full precision", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "w.db");
  assert.equal((await cli(["demo", "--dir", join(dir, "d"), "--steps", "60", "--save-every", "20", "--variant", "baseline", "--pace", "fast"])).status, 0);
  const run = join(dir, "d", "baseline");
  const add = await cli(["alerts", "add", "--run", "baseline", "--rollout-trait", "all_caps", "--above", "0.5", "--db", db]);
  assert.equal(add.status, 2, "no run yet");
  // Watched without a suite: the rollouts are read, and not scored (said once).
  const first = await cli(["watch", run, "--once", "--quiet-period", "0", "--db", db]);
  assert.equal(first.status, 0);
  assert.match(first.stderr, /rollouts \(trl\): 1920 read \(steps 1–60\), 0 scored/);
  assert.match(first.stderr, /no suite is configured for this run: its rollouts are read, not scored/);
  const rule = await cli(["alerts", "add", "--run", "baseline", "--rollout-trait", "all_caps", "--rollout-measure", "mean", "--above", "0.25", "--db", db]);
  assert.equal(rule.status, 0, rule.stderr);
  const noCi = await cli(["alerts", "add", "--run", "baseline", "--rollout-trait", "all_caps", "--rollout-measure", "rewardShare", "--above", "0.5", "--ci", "--db", db]);
  assert.equal(noCi.status, 2);
  assert.match(noCi.stderr, /rewardShare has no interval/);
  const w = await watchOnce(run, db, "inoculation");
  assert.equal(w.status, 0, w.stderr);
  assert.match(w.stderr, /rollouts \(trl\): 0 read, 5760 scored/, "60 steps of 32 rollouts, three traits, once a suite is given");

  const series = await cliJson<Agg[]>(["rollouts", "baseline", "--trait", "all_caps", "--json", "--db", db]);
  assert.equal(series.length, 60);
  const expected: number[] = [];
  for (let i = 0; i < series.length; i++) if (series[i]!.mean! > 0.25 && (i === 0 || series[i - 1]!.mean! <= 0.25)) expected.push(series[i]!.step);
  assert.ok(expected.length > 0, "the baseline's capitals cross 0.25 in its rollouts");
  const fired = await cliJson<{ step: number; trait: string; value: number }[]>(["alerts", "fired", "baseline", "--json", "--db", db]);
  assert.deepEqual(fired.map((f) => f.step).sort((a, b) => a - b), expected);
  for (const f of fired) assert.equal(f.value, series.find((s) => s.step === f.step)!.mean);

  // CSV export with rollout panels: one row per step for the run, equal to the CLI's aggregates.
  const csvPath = join(dir, "roll.csv");
  const e = await cli(["export", "--run", "baseline", "--trait", "all_caps", "--rollouts", "mean", "--out", csvPath, "--db", db]);
  assert.equal(e.status, 0, e.stderr);
  const lines = readFileSync(csvPath, "utf8").trim().split("\n");
  const header = lines[0]!.split(",");
  const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(",").map((v, i) => [header[i]!, v])));
  const rollouts = rows.filter((r) => r.kind === "rollout");
  assert.equal(rollouts.length, 60);
  for (const r of rollouts) {
    const s = series.find((x) => x.step === Number(r.step))!;
    assert.deepEqual([r.trait, r.measure, Number(r.mean), r.ci_low === "" ? null : Number(r.ci_low), Number(r.n)], ["all_caps", "mean", s.mean, s.ciLow, s.n]);
  }
  const bad = await cli(["export", "--run", "baseline", "--rollouts", "median", "--out", csvPath, "--db", db]);
  assert.equal(bad.status, 2);
});
