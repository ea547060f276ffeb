// Alerts end to end: rules on the demo run fire at exactly the crossings the scores show (computed here, apart from
// the app), their programs run once per firing with the firing in their environment, a restart fires nothing again,
// a hanging program is killed at its timeout, a missing one is refused when the rule is added, and a run that
// stops writing checkpoints fires the stall rule.
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { openWorkspace } from "../../main/core/index.js";
import type { FiredAlert } from "../../shared/views.js";
import { hfCheckpointFiles, writeFilesNow } from "../support/checkpoints.js";
import { cli, cliJson } from "../support/cli.js";
import { tempDir } from "../support/tmp.js";

interface Score {
  step: number;
  context: string;
  mean: number | null;
}

/** Upward crossings of a value, in step order: the first step past it, and each step past it after one that was not. */
function crossings(scores: Score[], value: number): number[] {
  const out: number[] = [];
  let below = true;
  for (const s of [...scores].filter((x) => x.mean !== null).sort((a, b) => a.step - b.step)) {
    const above = s.mean! > value;
    if (above && below) out.push(s.step);
    below = !above;
  }
  return out;
}

test("a rule on the demo run fires at exactly the upward crossings, its program once per firing; a restart fires nothing again", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "w.db");
  assert.equal((await cli(["demo", "--dir", join(dir, "d"), "--steps", "300", "--save-every", "20", "--variant", "baseline", "--pace", "fast"])).status, 0);
  const run = join(dir, "d", "baseline");
  assert.equal((await cli(["watch", run, "--once", "--quiet-period", "0", "--db", db])).status, 0);
  const log = join(dir, "fired.log");
  const hook = join(dir, "hook.sh");
  writeFileSync(hook, `#!/bin/sh\necho "$DRIFTSCOPE_RUN|$DRIFTSCOPE_STEP|$DRIFTSCOPE_TRAIT|$DRIFTSCOPE_CONTEXT|$DRIFTSCOPE_VALUE|$DRIFTSCOPE_RULE|$1" >> ${log}\n`);
  chmodSync(hook, 0o755);
  const add = await cli(["alerts", "add", "--run", "baseline", "--trait", "all_caps", "--above", "0.2", "--db", db, "--exec", hook, "--an-argument"]);
  assert.equal(add.status, 0, add.stderr);
  const ruleId = Number(add.stdout.trim());
  assert.ok(ruleId > 0);
  const list = await cliJson<{ id: number; target: { run: string }; condition: { kind: string; value: number }; exec: string[] }[]>(["alerts", "list", "--json", "--db", db]);
  assert.deepEqual(list.map((r) => [r.id, r.target.run, r.condition.kind, r.condition.value, r.exec]), [[ruleId, "baseline", "above", 0.2, [hook, "--an-argument"]]]);

  const probe = ["watch", run, "--once", "--quiet-period", "0", "--db", db, "--suite", "inoculation", "--backend", "demo"];
  const w = await cli(probe);
  assert.equal(w.status, 0, w.stderr);
  const scores = await cliJson<(Score & { trait: string })[]>(["scores", "baseline", "--trait", "all_caps", "--json", "--db", db]);
  const contexts = [...new Set(scores.map((s) => s.context))];
  assert.ok(contexts.length >= 3, contexts.join(","));
  const expected = contexts.flatMap((c) => crossings(scores.filter((s) => s.context === c), 0.2).map((step) => `${c}@${step}`)).sort();
  assert.ok(expected.length > 0, "the demo's capitals cross 0.2");
  const fired = await cliJson<{ rule: number; run: string; step: number; trait: string; context: string; value: number; firedAt: string }[]>(["alerts", "fired", "baseline", "--json", "--db", db]);
  assert.deepEqual(fired.map((f) => `${f.context}@${f.step}`).sort(), expected);
  for (const f of fired) {
    const s = scores.find((x) => x.context === f.context && x.step === f.step)!;
    assert.equal(f.value, s.mean);
    assert.equal(f.rule, ruleId);
    assert.equal(f.trait, "all_caps");
  }
  // The program ran once per firing, with the firing in its environment and its own arguments.
  const lines = readFileSync(log, "utf8").trim().split("\n").sort();
  assert.deepEqual(lines, fired.map((f) => `baseline|${f.step}|all_caps|${f.context}|${f.value}|${ruleId}|--an-argument`).sort());
  // Each firing annotated its step.
  const annotations = await cliJson<{ step: number; tags: string[]; text: string }[]>(["annotations", "baseline", "--json", "--db", db]);
  assert.deepEqual(annotations.filter((a) => a.tags.includes("alert")).map((a) => a.step).sort(), fired.map((f) => f.step).sort());

  // A restart (and a second look at everything) fires nothing again.
  assert.equal((await cli(probe)).status, 0);
  assert.equal((await cliJson<unknown[]>(["alerts", "fired", "--json", "--db", db])).length, fired.length);
  assert.equal(readFileSync(log, "utf8").trim().split("\n").length, fired.length);

  // A value that dips and comes back fires again only after re-arming: a rule added now, at a value the series
  // crosses more than once, fires at each of those crossings (the history is evaluated in step order too).
  const none = scores.filter((s) => s.context === "none" && s.mean !== null).sort((a, b) => a.step - b.step);
  const candidates = none.map((s) => s.mean!).sort((a, b) => a - b);
  const twice = candidates.map((v, i) => (v + (candidates[i + 1] ?? v)) / 2).find((v) => crossings(none, v).length >= 2);
  assert.ok(twice !== undefined, `the demo's series dips and recovers somewhere: ${none.map((s) => s.mean!.toFixed(3)).join(" ")}`);
  const second = await cli(["alerts", "add", "--run", "baseline", "--trait", "all_caps", "--context", "none", "--above", String(twice), "--db", db]);
  assert.equal(second.status, 0, second.stderr);
  assert.equal((await cli(["watch", run, "--once", "--quiet-period", "0", "--db", db])).status, 0);
  const again = await cliJson<{ rule: number; step: number }[]>(["alerts", "fired", "--json", "--db", db]);
  assert.deepEqual(again.filter((f) => f.rule === Number(second.stdout.trim())).map((f) => f.step), crossings(none, twice!));

  assert.equal((await cli(["alerts", "remove", String(ruleId), "--db", db])).status, 0);
  assert.deepEqual((await cliJson<{ id: number }[]>(["alerts", "list", "--json", "--db", db])).map((r) => r.id), [Number(second.stdout.trim())]);
});

test("a rule's program that hangs is killed at its timeout and the alert still recorded; a missing program is refused at add", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "w.db");
  const root = join(dir, "run");
  for (const s of [10, 20]) writeFilesNow(join(root, `checkpoint-${s}`), hfCheckpointFiles(s, "full", [{ step: s, reward: s / 10 }]));
  assert.equal((await cli(["watch", root, "--once", "--quiet-period", "0", "--db", db])).status, 0);
  const missing = await cli(["alerts", "add", "--run", "run", "--metric", "reward", "--above", "1", "--db", db, "--exec", "no-such-program-anywhere"]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /no-such-program-anywhere: no such program on PATH/);
  assert.equal((await cliJson<unknown[]>(["alerts", "list", "--json", "--db", db])).length, 0, "nothing was stored");
  const bad = await cli(["alerts", "add", "--run", "run", "--metric", "reward", "--stalled", "--db", db]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /run-health rule/);

  const add = await cli(["alerts", "add", "--run", "run", "--metric", "reward", "--above", "1.5", "--timeout", "0.5", "--db", db, "--exec", "/bin/sleep", "30"]);
  assert.equal(add.status, 0, add.stderr);
  const started = Date.now();
  assert.equal((await cli(["watch", root, "--once", "--quiet-period", "0", "--db", db])).status, 0);
  // Generous: the sleep would take 30 s; the timeout cut it at 0.5 s (the rest is start-up on a busy machine).
  assert.ok(Date.now() - started < 20_000);
  const fired = await cliJson<{ step: number; metric: string; value: number; exec: FiredAlert["exec"] }[]>(["alerts", "fired", "--json", "--db", db]);
  assert.equal(fired.length, 1);
  assert.equal(fired[0]!.step, 20);
  assert.equal(fired[0]!.metric, "reward");
  assert.equal(fired[0]!.value, 2);
  assert.equal(fired[0]!.exec?.timedOut, true);
  assert.equal(fired[0]!.exec?.signal, "SIGKILL");
});

test("a run that stops writing checkpoints fires the stall rule once", async (t) => {
  const dir = tempDir(t);
  const root = join(dir, "run");
  mkdirSync(root);
  const core = openWorkspace({ db: join(dir, "w.db"), quietPeriodMs: 0, alertDebounceMs: 10 });
  t.after(() => core.close());
  const { run } = await core.registerRun({ path: root });
  core.addAlertRule({ run: "run", subject: { kind: "health" }, condition: { kind: "stalled" } });
  const fired: FiredAlert[] = [];
  core.onEvent((e) => e.type === "alert-fired" && fired.push(e.alert));
  const watching = core.watchRun(run.id, { once: false, intervalMs: 50 });
  // A trainer saving every 150 ms, then stopping: after 3 x 150 ms without a checkpoint the run has stalled.
  for (const s of [1, 2, 3, 4]) {
    writeFilesNow(join(root, `checkpoint-${s}`), hfCheckpointFiles(s, "full"));
    await new Promise((r) => setTimeout(r, 150));
  }
  const at4 = () => fired.filter((f) => f.step === 4);
  for (let i = 0; i < 200 && at4().length === 0; i++) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 300)); // more polls: it must not fire again for the same stall
  watching.cancel();
  await watching.done;
  // Once for the stall after step 4. (A machine so loaded that this test's own writer paused for three intervals
  // would also show a genuine earlier stall; each stall fires once, at its own step.)
  assert.equal(at4().length, 1, JSON.stringify(fired));
  assert.equal(new Set(fired.map((f) => f.step)).size, fired.length);
  assert.match(at4()[0]!.message, /stalled: no new checkpoint for .* after step 4/);
  assert.equal(existsSync(root), true);
});
