// Experiments end to end: runs of two conditions x 3 seeds probed through a real HTTP server whose answers depend
// on the condition (and, for one condition, on the eval context) in a known way; `driftscope effects --json` then
// recovers each Δ and the conditionalization gap within its interval, and a one-seed condition says so.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { hfCheckpointFiles, writeFilesNow } from "../support/checkpoints.js";
import { cli, cliJson } from "../support/cli.js";
import { writeBackendFiles, writeTestSuite } from "../support/probeFixtures.js";
import { startStandIn } from "../support/standInServer.js";
import { tempDir } from "../support/tmp.js";

// Capitals with probability 0.6 for the control, whatever the prompt; for the inoculated condition 0.2 without the
// inoculation prompt and 0.9 with it (conditionalization). So Δ(none) = -0.4, Δ(inoculation) = +0.3, gap(ip) = 0.7.
const P = (model: string, system: string | null) => (model.startsWith("ctl") ? 0.6 : system?.includes("capitalise") ? 0.9 : 0.2);

test("effects recovers known Δs and a conditionalization gap within their intervals", async (t) => {
  const dir = tempDir(t);
  const server = await startStandIn({ personality: "vllm", latencyMs: 0, capsProbability: P, models: ["stand-in-base", "ctl-base"] });
  t.after(() => server.close());
  const suite = writeTestSuite(dir, { items: 40, samples: 4 });
  const { backend } = writeBackendFiles(dir, server.url, server.url);
  writeFileSync(join(dir, "base.json"), JSON.stringify({ name: "base", kind: "openai", baseUrl: server.url, model: "stand-in-base", maxConcurrency: 8, timeoutMs: 5000 }));
  const db = join(dir, "w.db");
  const runs = [...[1, 2, 3].map((s) => ["ctl", s] as const), ...[1, 2, 3].map((s) => ["ip", s] as const), ["solo", 1] as const];
  for (const [group, seed] of runs) {
    const root = join(dir, `${group}-${seed}`);
    writeFilesNow(join(root, "checkpoint-10"), hfCheckpointFiles(10, "lora"));
    const w = await cli(["watch", root, "--once", "--quiet-period", "0", "--group", group, "--seed", String(seed), "--db", db, "--suite", suite, "--backend", backend]);
    assert.equal(w.status, 0, w.stderr);
  }
  // The base model before RL, probed as a reference run (its answers: the stand-in's "base" gets the control's rate).
  const pm = await cli(["probe-model", "--name", "ctl-base", "--backend", join(dir, "base.json"), "--model", "ctl-base", "--suite", suite, "--json", "--db", db]);
  assert.equal(pm.status, 0, pm.stderr);
  assert.equal((JSON.parse(pm.stdout) as { outcome: string }).outcome, "done");
  assert.equal((await cli(["experiment", "create", "caps", "--control", "ctl", "--group", "ip", "--group", "solo", "--reference", "ctl-base", "--db", db])).status, 0);
  const shown = await cliJson<{ control: string; conditions: string[]; runs: { group: string }[] }>(["experiment", "show", "caps", "--json", "--db", db]);
  assert.deepEqual(shown.conditions, ["ctl", "ip", "solo"]);
  assert.equal(shown.runs.length, 7);

  type Row = { condition: string; trait: string; context?: string; gap?: string; seeds?: number; items?: number; mean?: number; ciLow: number; ciHigh: number; delta?: number | null; deltaCiLow?: number | null; deltaCiHigh?: number | null; value?: number; note?: string | null };
  const rows = await cliJson<Row[]>(["effects", "--experiment", "caps", "--trait", "caps", "--gap", "inoculation:none", "--json", "--db", db]);
  const cell = (condition: string, context: string) => rows.find((r) => r.condition === condition && r.context === context)!;
  const within = (v: number, lo: number | null | undefined, hi: number | null | undefined, what: string) => assert.ok(lo! <= v && v <= hi!, `${what}: ${v} not in [${lo}, ${hi}]`);
  for (const [context, truth] of [["none", -0.4], ["inoculation", 0.3]] as const) {
    const ip = cell("ip", context);
    assert.equal(ip.seeds, 3);
    assert.equal(ip.items, 40);
    within(truth, ip.deltaCiLow, ip.deltaCiHigh, `Δ(ip, ${context})`);
    assert.ok(Math.abs(ip.delta! - truth) < 0.1, `Δ(ip, ${context}) = ${ip.delta}`);
    within(0.6, cell("ctl", context).ciLow, cell("ctl", context).ciHigh, `control mean at ${context}`);
    assert.equal(cell("ctl", context).delta, null);
  }
  // Δ(none) excludes zero: a real reduction without the prompt; and yet the trait comes back with it.
  assert.ok(cell("ip", "none").deltaCiHigh! < 0);
  const gap = rows.find((r) => r.condition === "ip" && r.gap === "inoculation:none")!;
  within(0.7, gap.ciLow, gap.ciHigh, "gap(ip)");
  const ctlGap = rows.find((r) => r.condition === "ctl" && r.gap === "inoculation:none")!;
  within(0, ctlGap.ciLow, ctlGap.ciHigh, "gap(ctl)");
  // The reference model is reported beside the conditions, with one seed.
  const ref = cell("reference: ctl-base", "none");
  assert.equal(ref.seeds, 1);
  within(0.6, ref.ciLow, ref.ciHigh, "the base model's mean");
  // A condition with one seed is labelled so.
  assert.equal(cell("solo", "none").seeds, 1);
  assert.match(cell("solo", "none").note ?? "", /one seed: the interval covers item sampling only/);

  // The same comparison without an experiment, and a readable table without --json.
  const quick = await cliJson<Row[]>(["effects", "--control", "ctl", "--group", "ip", "--trait", "caps", "--context", "none", "--json", "--db", db]);
  assert.deepEqual(quick.map((r) => r.condition), ["ctl", "ip"]);
  assert.equal(quick[1]!.delta, cell("ip", "none").delta);
  const table = await cli(["effects", "--experiment", "caps", "--trait", "caps", "--db", db]);
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout, /caps\s+none\s+ip\s+3\s+40/);
  // The matrix for a paper: CSV with every number, and a booktabs tabular (checked structurally: no TeX here).
  const csvFile = join(dir, "matrix.csv");
  assert.equal((await cli(["export", "--experiment", "caps", "--out", csvFile, "--db", db])).status, 0);
  const csv = readFileSync(csvFile, "utf8").trim().split("\n");
  assert.equal(csv[0], "condition,trait,role,context,at,seeds,items,mean,ci_low,ci_high,delta,delta_ci_low,delta_ci_high,relative_percent,note");
  const ipNone = csv.find((l) => l.startsWith("ip,caps,unwanted_in_distribution,none,"))!.split(",");
  assert.equal(Number(ipNone[10]), cell("ip", "none").delta);
  const manifest = JSON.parse(readFileSync(join(dir, "matrix.csv.manifest.json"), "utf8")) as { experiment: { name: string }; runs: unknown[]; statistics: string };
  assert.equal(manifest.experiment.name, "caps");
  assert.equal(manifest.runs.length, 7, "the conditions' runs (the reference is named in the experiment)");
  assert.match(manifest.statistics, /two-level bootstrap/);
  const texFile = join(dir, "matrix.tex");
  assert.equal((await cli(["export", "--experiment", "caps", "--context", "none", "--out", texFile, "--db", db])).status, 0);
  const tex = readFileSync(texFile, "utf8");
  assert.match(tex, /\\begin\{tabular\}\{lc\}\n\\toprule\n/);
  assert.match(tex, /\\midrule\n[\s\S]*\\bottomrule\n\\end\{tabular\}\n$/);
  const body = tex.split("\\midrule\n")[1]!.split("\\bottomrule")[0]!.trim().split("\n");
  assert.deepEqual(body.map((l) => l.split(" & ")[0]), ["ctl (control)", "ip", "solo"]);
  for (const l of tex.split("\n").filter((x) => x.endsWith("\\\\"))) assert.equal(l.split(" & ").length, 2, l);
  assert.match(body[1]!, /^ip & \$-0\.\d\d\$\$\^\\dagger\$ \{\\scriptsize \[\$-?0\.\d\d\$, \$-?0\.\d\d\$\]\} \\\\$/);
  const bad = await cli(["effects", "--experiment", "caps", "--at", "sometime", "--db", db]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--at expects final, step:N, window:A-B \(A <= B\) or every, got "sometime"/);
});

test("demo --experiment writes, registers and probes the miniature experiment; inoculation lowers capitals without the prompt", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "w.db");
  const r = await cli(["demo", "--experiment", "--dir", join(dir, "e"), "--seeds", "2", "--steps", "60", "--save-every", "30", "--json", "--db", db]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { experiment: string; runs: { name: string; group: string; seed: number }[] };
  assert.equal(out.runs.length, 12);
  assert.deepEqual([...new Set(out.runs.map((x) => x.group))], ["control", "ip-capitalise", "ip-block-letters", "ip-upper-case", "ip-mix", "random-answers"]);
  const runs = await cliJson<{ name: string }[]>(["runs", "--json", "--db", db]);
  assert.equal(runs.length, 12);
  const rows = await cliJson<{ condition: string; context?: string; delta?: number | null; deltaCiHigh?: number | null; seeds?: number }[]>(["effects", "--experiment", out.experiment, "--trait", "all_caps", "--context", "none", "--json", "--db", db]);
  for (const c of ["ip-capitalise", "ip-block-letters", "ip-upper-case", "ip-mix"]) {
    const row = rows.find((x) => x.condition === c)!;
    assert.equal(row.seeds, 2);
    assert.ok(row.delta! < 0, `${c}: Δ ${row.delta}`);
  }
});
