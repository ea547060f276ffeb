import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { historyRows, readTrainerState } from "../../main/core/runs/metrics/trainerState.js";
import { InputError } from "../../main/core/util/readText.js";
import { fixture, needsFixture } from "../support/sharedFixtures.js";
import { tempDir } from "../support/tmp.js";

const STATE = "hf-trainer-lora/trainer_state.json";

test("every log_history entry of a real Trainer run is read with its keys, steps and values", { skip: needsFixture(STATE) }, async () => {
  const h = await readTrainerState(fixture(STATE));
  assert.equal(h.globalStep, 375);
  assert.equal(h.entries.length, 21);
  const { rows, problems } = historyRows(fixture(STATE), h.entries);
  assert.deepEqual(problems, []);
  assert.equal(rows.length, 87); // 18 train entries x 4 keys + 3 eval entries x 5 keys
  const count = (k: string) => rows.filter((r) => r.key === k).length;
  assert.deepEqual(
    ["epoch", "grad_norm", "learning_rate", "loss", "eval_loss", "eval_runtime", "eval_samples_per_second", "eval_steps_per_second"].map(count),
    [21, 18, 18, 18, 3, 3, 3, 3],
  );
  assert.deepEqual(rows.find((r) => r.key === "loss" && r.step === 20)?.value, 0.6899);
  assert.deepEqual(rows.find((r) => r.key === "eval_loss" && r.step === 125)?.value, 0.3951033353805542);
  assert.deepEqual(rows.find((r) => r.key === "eval_samples_per_second" && r.step === 375)?.value, 165.81);
  assert.ok(rows.every((r) => r.wallTime === null));
});

test("nulls, GRPO keys and the final summary entry are kept as written; junk entries are named", () => {
  const entries = [
    { step: 1, reward: 0.5, kl: null, "rewards/accuracy/mean": 0.25, "clip_ratio/low_mean": 0 },
    { step: 2, eval_reward: 0.7, note: "text is not a scalar" },
    "not an entry",
    { reward: 1 },
    { step: 2, train_runtime: 12.5, train_loss: 0.1, total_flos: 1e18 },
  ] as unknown as Record<string, unknown>[];
  const { rows, problems } = historyRows("ts.json", entries);
  assert.deepEqual(
    rows.map((r) => [r.key, r.step, r.value]),
    [
      ["reward", 1, 0.5],
      ["kl", 1, null],
      ["rewards/accuracy/mean", 1, 0.25],
      ["clip_ratio/low_mean", 1, 0],
      ["eval_reward", 2, 0.7],
      ["train_runtime", 2, 12.5],
      ["train_loss", 2, 0.1],
      ["total_flos", 2, 1e18],
    ],
  );
  assert.deepEqual(problems, ["ts.json: log_history[2] is not an object; skipped", 'ts.json: log_history[3] has no integer "step"; skipped']);
  assert.equal(historyRows("ts.json", entries, 4).rows.length, 3); // incremental: only from the given index
});

test("truncated, malformed and non-UTF-8 files give errors naming the file, line and column", async (t) => {
  const dir = tempDir(t);
  const truncated = join(dir, "truncated.json");
  writeFileSync(truncated, '{\n  "global_step": 5,\n  "log_history": [\n    {"step": 1, "loss": 0.5');
  await assert.rejects(readTrainerState(truncated), (e: unknown) => e instanceof InputError && e.message.startsWith(`${truncated}:4:`) && /truncated/.test(e.message));
  const malformed = join(dir, "malformed.json");
  writeFileSync(malformed, '{\n  "global_step": 5,\n  "log_history": [}\n}');
  await assert.rejects(readTrainerState(malformed), (e: unknown) => e instanceof InputError && e.line === 3 && e.message.startsWith(`${malformed}:3:`));
  const binary = join(dir, "binary.json");
  writeFileSync(binary, Buffer.concat([Buffer.from('{"global_step": 1, "x": "'), Buffer.from([0xff, 0xfe, 0x80]), Buffer.from('"}')]));
  await assert.rejects(readTrainerState(binary), new RegExp(`${binary}: is not valid UTF-8 text \\(bad byte near offset 25\\)`));
  const notObject = join(dir, "list.json");
  writeFileSync(notObject, "[1, 2]");
  await assert.rejects(readTrainerState(notObject), /is not a JSON object/);
});
