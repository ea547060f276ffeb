// Real software: a real TRL GRPO training of a tiny random-weight model (made here, nothing downloaded), watched live
// by `driftscope watch` started before the trainer creates its output folder. Checks what researchers rely on:
// no checkpoint is complete before TRL's save of it finished, checkpoints rotated away by save_total_limit become
// `gone`, the last ones are complete, every value TRL logged is stored exactly once (one series per quantity, with
// TensorBoard's `train/` copies joined to it), and the run ends `finished`. Skips, in one line, where the Python
// packages cannot be installed (test/support/python.ts).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { CLI, cliJson } from "../support/cli.js";
import { needsRealPython, PYTHON, PYTHON_SCRIPTS, runPython } from "../support/python.js";
import { assertEveryLoggedValue } from "../support/loggedValues.js";
import { tempDir } from "../support/tmp.js";

const STEPS = 30;
const SAVE_STEPS = 5;
const LIMIT = 3;

interface Save {
  step: number;
  savedAt: number;
  existing: string[];
}

test("a real TRL GRPO run watched live: completeness after TRL's save, rotation to gone, every logged value once", { skip: needsRealPython(), timeout: 600_000 }, async (t) => {
  const dir = tempDir(t);
  const model = join(dir, "tiny");
  const out = join(dir, "grpo-run");
  const saves = join(dir, "saves.jsonl");
  const db = join(dir, "w.db");
  runPython("make_tiny_model.py", [model]);

  // The watcher first: the output folder does not exist yet, and it waits for it.
  const watcher = spawn(process.execPath, [CLI, "watch", out, "--quiet-period", "1", "--interval", "0.25", "--db", db]);
  let watchOut = "";
  let watchErr = "";
  watcher.stdout.on("data", (d) => (watchOut += d));
  watcher.stderr.on("data", (d) => (watchErr += d));
  t.after(() => watcher.kill("SIGKILL"));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (watchErr.includes("does not exist yet")) {
        clearInterval(timer);
        resolve();
      } else if (watcher.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`watch exited before the folder existed: ${watchErr}`));
      }
    }, 50);
  });

  // Paced so that each checkpoint outlives the quiet period before rotation deletes it (as a real, slower run's do).
  const trained = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
    const p = spawn(PYTHON, [join(PYTHON_SCRIPTS, "grpo_train.py"), model, out, saves, "--steps", String(STEPS), "--save-steps", String(SAVE_STEPS), "--limit", String(LIMIT), "--pace", "0.4"], { env: { ...process.env, HF_HUB_OFFLINE: "1" } });
    let stderr = "";
    p.stderr.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
    p.stdout.resume();
    p.on("close", (status) => resolve({ status, stderr }));
  });
  assert.equal(trained.status, 0, trained.stderr);

  const saved = readFileSync(saves, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Save);
  assert.deepEqual(saved.map((s) => s.step), [5, 10, 15, 20, 25, 30]);
  const kept = saved[saved.length - 1]!.existing.map((d) => Number(d.slice("checkpoint-".length))).sort((a, b) => a - b);
  assert.deepEqual(kept, [20, 25, 30], "TRL rotated to the last save_total_limit checkpoints");

  // The watcher settles the last checkpoints (a bounded wait, stated: 60 s for a 1 s quiet period).
  type Ckpt = { step: number; state: string; completedAt: string | null };
  let checkpoints: Ckpt[] = [];
  for (let i = 0; i < 240; i++) {
    checkpoints = await cliJson<Ckpt[]>(["checkpoints", "grpo-run", "--db", db, "--json"]).catch(() => []);
    const settled = kept.every((s) => checkpoints.some((c) => c.step === s && c.state === "pending"));
    const rotated = checkpoints.filter((c) => !kept.includes(c.step));
    if (settled && rotated.every((c) => c.state === "gone")) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  watcher.kill("SIGTERM");

  const byStep = new Map(checkpoints.map((c) => [c.step, c]));
  for (const s of kept) assert.equal(byStep.get(s)?.state, "pending", `checkpoint-${s} complete (not yet probed): ${watchOut}`);
  for (const c of checkpoints) if (!kept.includes(c.step)) assert.equal(c.state, "gone", `checkpoint-${c.step} was rotated away by TRL`);
  assert.ok(checkpoints.filter((c) => c.state === "gone").length >= 1, `at least one rotated checkpoint was seen before its deletion: ${JSON.stringify(checkpoints)}`);
  // Never complete before TRL's save of it finished (the callback runs after trainer_state.json is written).
  for (const c of checkpoints) {
    if (c.completedAt === null) continue;
    const save = saved.find((s) => s.step === c.step)!;
    assert.ok(Date.parse(c.completedAt) >= save.savedAt * 1000 - 5, `checkpoint-${c.step} completed at ${c.completedAt}, TRL's save finished at ${new Date(save.savedAt * 1000).toISOString()}`);
  }

  // Every value TRL logged, once, exactly: one series per quantity.
  const history = (JSON.parse(readFileSync(join(out, "checkpoint-30", "trainer_state.json"), "utf8")) as { log_history: Record<string, unknown>[] }).log_history;
  const metrics = await cliJson<{ key: string; step: number; value: number }[]>(["metrics", "grpo-run", "--db", db, "--json"]);
  const compared = assertEveryLoggedValue(history, metrics);
  assert.ok(compared > STEPS * 10, `compared ${compared} logged values`);
  for (const k of new Set(metrics.map((m) => m.key))) assert.ok(!k.startsWith("train/"), `no duplicate TensorBoard series ${k}`);
  assert.ok(new Set(metrics.map((m) => m.key)).has("reward"));

  const runs = await cliJson<{ name: string; status: string }[]>(["runs", "--db", db, "--json"]);
  assert.deepEqual(runs.map((r) => [r.name, r.status]), [["grpo-run", "finished"]]);
});
