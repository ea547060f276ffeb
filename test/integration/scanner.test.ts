// Checkpoint detection per format, with the quiet period passed by moving the poller's clock.
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { pythonJson } from "../../main/core/demo/hfWriter.js";
import { encodeSafetensors } from "../../main/core/demo/safetensorsWriter.js";
import { ageTree, hfCheckpointFiles, smallTensors, trainerState, writeFilesNow } from "../support/checkpoints.js";
import { harness, QUIET } from "../support/pollHelpers.js";

const st = (seed: number) => {
  const p = encodeSafetensors(smallTensors(seed));
  return Buffer.concat([p.header, p.data]);
};


test("Trainer checkpoints (full, LoRA, sharded) become pending only after the quiet period", async (t) => {
  const h = harness(t);
  writeFilesNow(join(h.root, "checkpoint-10"), hfCheckpointFiles(10, "full"));
  writeFilesNow(join(h.root, "checkpoint-20"), hfCheckpointFiles(20, "lora"));
  writeFilesNow(join(h.root, "checkpoint-30"), hfCheckpointFiles(30, "sharded"));
  mkdirSync(join(h.root, "tmp-checkpoint-40"));
  writeFilesNow(join(h.root, "tmp-checkpoint-40"), hfCheckpointFiles(40, "full"));

  const first = await h.poll();
  assert.equal(first.format, "hf");
  assert.equal(first.settling, 3);
  assert.deepEqual(h.states(), { 10: "incomplete", 20: "incomplete", 30: "incomplete" });
  assert.equal((await h.poll(QUIET / 2)).settling, 3);
  const later = await h.poll(QUIET + 1);
  assert.equal(later.complete, 3);
  const kinds = Object.fromEntries(h.store.runs.listCheckpoints(h.runId).map((c) => [c.step, c.kind]));
  assert.deepEqual(kinds, { 10: "full", 20: "lora", 30: "full" });
  assert.deepEqual(h.states(), { 10: "pending", 20: "pending", 30: "pending" });
});

test("files already older than the quiet period are complete at first sight", async (t) => {
  const h = harness(t);
  writeFilesNow(join(h.root, "checkpoint-5"), hfCheckpointFiles(5, "full"));
  ageTree(h.root, 60);
  const r = await h.poll();
  assert.equal(r.complete, 1);
  assert.equal(r.settling, 0);
});

test("a checkpoint waits for trainer_state.json, the right global_step, every shard and whole safetensors", async (t) => {
  const h = harness(t);
  const noState = hfCheckpointFiles(1, "full").filter((f) => f.name !== "trainer_state.json");
  writeFilesNow(join(h.root, "checkpoint-1"), noState);
  writeFilesNow(join(h.root, "checkpoint-2"), hfCheckpointFiles(2, "full").map((f) => (f.name === "trainer_state.json" ? { name: f.name, text: trainerState(3) } : f)));
  writeFilesNow(join(h.root, "checkpoint-3"), hfCheckpointFiles(3, "sharded").filter((f) => f.name !== "model-00002-of-00002.safetensors"));
  writeFilesNow(join(h.root, "checkpoint-4"), hfCheckpointFiles(4, "full"));
  const whole = st(4);
  writeFileSync(join(h.root, "checkpoint-4", "model.safetensors"), Buffer.concat([whole.subarray(0, 40), Buffer.alloc(whole.length - 40)]));
  await h.poll();
  await h.poll(QUIET + 1);
  assert.equal(h.problems.length, 0); // a slow last file is not a problem yet
  await h.poll(6 * QUIET + 1);
  const waiting = Object.fromEntries(h.store.runs.listCheckpoints(h.runId).map((c) => [c.step, `${c.state}: ${c.waitingFor}`]));
  assert.match(waiting[1]!, /^incomplete: trainer_state.json not written yet/);
  assert.match(waiting[2]!, /^incomplete: trainer_state.json has global_step 3, expected 2/);
  assert.match(waiting[3]!, /^incomplete: shard model-00002-of-00002.safetensors not written yet/);
  assert.match(waiting[4]!, /^incomplete: .*model.safetensors: header/);
  // Stuck for the whole quiet period: each is reported by path.
  assert.deepEqual(h.problems.map((p) => p.path).sort(), [1, 2, 3, 4].map((s) => join(h.root, `checkpoint-${s}`)));
  assert.ok(h.problems.every((p) => p.message.startsWith(p.path) && p.message.includes("not complete")));
});

test("deleted checkpoints become gone and keep their data; a partly deleted one is gone too", async (t) => {
  const h = harness(t);
  for (const s of [10, 20, 30]) writeFilesNow(join(h.root, `checkpoint-${s}`), hfCheckpointFiles(s, "full", [{ step: s, loss: s / 100 }]));
  ageTree(h.root, 60);
  await h.poll();
  assert.deepEqual(h.states(), { 10: "pending", 20: "pending", 30: "pending" });
  rmSync(join(h.root, "checkpoint-10"), { recursive: true });
  rmSync(join(h.root, "checkpoint-20", "model.safetensors")); // rotation removes files one at a time
  const r = await h.poll();
  assert.equal(r.gone, 2);
  assert.deepEqual(h.states(), { 10: "gone", 20: "gone", 30: "pending" });
  assert.equal(h.store.runs.listCheckpoints(h.runId).find((c) => c.step === 10)!.completedAt !== null, true);
  assert.deepEqual(h.store.metrics.listMetrics(h.runId, "loss").map((m) => m.step), [30]);
});

test("PEFT: the run folder itself, or one adapter per sub-folder; adapter_config.json last", async (t) => {
  const h = harness(t, "peft");
  for (const s of [100, 200]) {
    const dir = join(h.root, `adapter-step${s}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "adapter_model.safetensors"), st(s));
  }
  writeFileSync(join(h.root, "adapter-step100", "adapter_config.json"), pythonJson({ peft_type: "LORA" }));
  ageTree(h.root, 60);
  await h.poll();
  assert.deepEqual(h.states(), { 100: "pending", 200: "incomplete" });
  assert.match(h.store.runs.listCheckpoints(h.runId).find((c) => c.step === 200)!.waitingFor!, /adapter_config.json not written yet/);

  const single = harness(t, "auto");
  mkdirSync(single.root, { recursive: true });
  writeFileSync(join(single.root, "adapter_model.safetensors"), st(1));
  writeFileSync(join(single.root, "adapter_config.json"), pythonJson({ peft_type: "LORA" }));
  ageTree(single.root, 60);
  const r = await single.poll();
  assert.equal(r.format, "peft");
  assert.equal(r.complete, 1);
});

test("verl: latest_checkpointed_iteration.txt decides; rotation empties actor/ and the checkpoint is gone", async (t) => {
  const h = harness(t);
  const write = (n: number) => {
    const dir = join(h.root, `global_step_${n}`, "actor", "huggingface");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(h.root, `global_step_${n}`, "actor", "model_world_size_1_rank_0.pt"), "x");
    writeFileSync(join(dir, "config.json"), "{}");
    writeFileSync(join(dir, "model.safetensors"), st(n));
  };
  write(10);
  write(20);
  writeFileSync(join(h.root, "latest_checkpointed_iteration.txt"), "10");
  ageTree(h.root, 60);
  const r = await h.poll();
  assert.equal(r.format, "verl");
  assert.deepEqual(h.states(), { 10: "pending", 20: "incomplete" });
  assert.equal(h.store.runs.listCheckpoints(h.runId)[0]!.kind, "full");
  writeFileSync(join(h.root, "latest_checkpointed_iteration.txt"), "20");
  await h.poll(QUIET + 1);
  assert.deepEqual(h.states(), { 10: "pending", 20: "pending" });
  rmSync(join(h.root, "global_step_10", "actor"), { recursive: true });
  mkdirSync(join(h.root, "global_step_10", "actor"));
  await h.poll();
  await h.poll(QUIET * 3);
  assert.deepEqual(h.states(), { 10: "gone", 20: "pending" });
});

test("OpenRLHF: HF exports are full checkpoints; DeepSpeed folders (also under _actor/) wait for metric.json", async (t) => {
  const h = harness(t);
  const hf = join(h.root, "global_step5_hf");
  mkdirSync(hf, { recursive: true });
  writeFileSync(join(hf, "model.safetensors"), st(5));
  writeFileSync(join(hf, "config.json"), "{}");
  writeFileSync(join(hf, "tokenizer_config.json"), "{}");
  mkdirSync(join(h.root, "_actor", "global_step5"), { recursive: true });
  writeFileSync(join(h.root, "_actor", "global_step5", "mp_rank_00_model_states.pt"), "x");
  mkdirSync(join(h.root, "_actor", "global_step10"), { recursive: true });
  writeFileSync(join(h.root, "_actor", "global_step10", "metric.json"), "{}");
  ageTree(h.root, 60);
  const r = await h.poll();
  assert.equal(r.format, "openrlhf");
  const rows = h.store.runs.listCheckpoints(h.runId).map((c) => [c.step, c.kind, c.state, c.path.slice(h.root.length + 1)]);
  assert.deepEqual(rows, [
    [5, "other", "incomplete", "_actor/global_step5"],
    [5, "full", "pending", "global_step5_hf"],
    [10, "other", "pending", "_actor/global_step10"],
  ]);
});

test("a user pattern with a named step group finds nested checkpoint folders", async (t) => {
  const h = harness(t, "pattern:^ckpts/step_(?<step>\\d+)$");
  for (const s of [3, 7]) {
    mkdirSync(join(h.root, "ckpts", `step_${s}`), { recursive: true });
    writeFileSync(join(h.root, "ckpts", `step_${s}`, "model.safetensors"), st(s));
  }
  mkdirSync(join(h.root, "ckpts", "other"), { recursive: true });
  ageTree(h.root, 60);
  const r = await h.poll();
  assert.equal(r.format, "pattern");
  assert.deepEqual(h.states(), { 3: "pending", 7: "pending" });
});

test("training metrics: log_history, TensorBoard and metrics.jsonl, each read only where it is new", async (t) => {
  const { appendFileSync } = await import("node:fs");
  const { fileVersionRecord, record, event, summaryValue } = await import("../support/tfeventsWriter.js");
  const h = harness(t);
  const hist = (n: number) => Array.from({ length: n }, (_, i) => ({ step: i + 1, reward: i / 10, kl: i === 0 ? null : i / 100 }));
  writeFilesNow(join(h.root, "checkpoint-2"), hfCheckpointFiles(2, "lora", hist(2)));
  const tbDir = join(h.root, "runs", "Nov24_12-00-00_host");
  mkdirSync(tbDir, { recursive: true });
  const tb = join(tbDir, "events.out.tfevents.1700000000.host.1.0");
  writeFileSync(tb, Buffer.concat([fileVersionRecord(), record(event({ wallTime: 1700000001, step: 1, values: [summaryValue("train/reward", 0.5), summaryValue("train/entropy", 0.5)] }))]));
  writeFileSync(join(h.root, "metrics.jsonl"), '{"step": 1, "probe/acc": 0.9}\n');
  ageTree(h.root, 60);
  await h.poll();
  assert.deepEqual(h.store.metrics.listMetrics(h.runId, "reward").map((m) => [m.step, m.value]), [[1, 0], [2, 0.1]]);
  assert.deepEqual(h.store.metrics.listMetrics(h.runId, "kl").map((m) => m.value), [null, 0.01]);
  // TensorBoard's train/reward is the same quantity as log_history's reward: one series, which keeps
  // trainer_state's value (float64, as logged) and takes TensorBoard's wall time where trainer_state has none.
  assert.deepEqual(h.store.metrics.listMetrics(h.runId, "reward")[0], { key: "reward", step: 1, value: 0, wallTime: "2023-11-14T22:13:21.000Z" });
  assert.deepEqual(h.store.metrics.listMetrics(h.runId, "train/reward"), []);
  assert.deepEqual(h.store.metrics.listMetrics(h.runId, "entropy"), [{ key: "entropy", step: 1, value: 0.5, wallTime: "2023-11-14T22:13:21.000Z" }]);
  assert.deepEqual(h.store.metrics.metricSources(h.runId).find((x) => x.key === "reward")!.sources, ["trainer_state", "tfevents"]);
  assert.deepEqual(h.store.metrics.listMetrics(h.runId, "probe/acc").map((m) => m.value), [0.9]);

  // A newer checkpoint whose log_history repeats the old prefix (with edited values, to prove the prefix is not re-read).
  const newer = hist(4).map((e, i) => (i < 2 ? { ...e, reward: 99 } : e));
  newer[1] = { ...newer[1]!, step: 2 };
  writeFilesNow(join(h.root, "checkpoint-4"), hfCheckpointFiles(4, "lora", newer));
  // TensorBoard: scribble over bytes already read, then append; only the appended record is read.
  const bytes = (await import("node:fs")).readFileSync(tb);
  bytes.fill(0, 12, 30);
  writeFileSync(tb, bytes);
  appendFileSync(tb, record(event({ wallTime: 1700000002, step: 2, values: [summaryValue("train/entropy", 0.75)] })));
  appendFileSync(join(h.root, "metrics.jsonl"), '{"step": 2, "probe/acc": 0.8}\n');
  ageTree(h.root, 60);
  await h.poll();
  assert.deepEqual(h.store.metrics.listMetrics(h.runId, "reward").map((m) => [m.step, m.value]), [[1, 0], [2, 0.1], [3, 0.2], [4, 0.3]]);
  assert.deepEqual(h.store.metrics.listMetrics(h.runId, "entropy").map((m) => m.value), [0.5, 0.75]);
  assert.deepEqual(h.store.metrics.listMetrics(h.runId, "probe/acc").map((m) => m.value), [0.9, 0.8]);
  assert.deepEqual(h.problems, []);
});

test("a run is finished when its trainer state reaches max_steps, and watched again when training resumes past it", async (t) => {
  const h = harness(t);
  const state = (step: number, maxSteps: number) => JSON.stringify({ global_step: step, max_steps: maxSteps, log_history: [{ step, loss: 1 / step }] });
  writeFilesNow(join(h.root, "checkpoint-5"), hfCheckpointFiles(5, "lora").map((f) => (f.name === "trainer_state.json" ? { name: f.name, text: state(5, 10) } : f)));
  ageTree(h.root, 60);
  await h.poll();
  assert.equal(h.store.runs.getRun(h.runId)!.status, "watching");
  writeFilesNow(join(h.root, "checkpoint-10"), hfCheckpointFiles(10, "lora").map((f) => (f.name === "trainer_state.json" ? { name: f.name, text: state(10, 10) } : f)));
  ageTree(h.root, 60);
  await h.poll();
  const finished = h.store.runs.getRun(h.runId)!;
  assert.deepEqual([finished.status, finished.statusMessage], ["finished", "training reached max_steps 10"]);
  await h.poll();
  assert.equal(h.store.runs.getRun(h.runId)!.statusMessage, "training reached max_steps 10", "kept across polls");
  // Resumed with a longer schedule: a newer checkpoint below the new max_steps.
  writeFilesNow(join(h.root, "checkpoint-15"), hfCheckpointFiles(15, "lora").map((f) => (f.name === "trainer_state.json" ? { name: f.name, text: state(15, 20) } : f)));
  ageTree(h.root, 60);
  await h.poll();
  assert.equal(h.store.runs.getRun(h.runId)!.status, "watching");
});
