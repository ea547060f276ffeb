// The queue's policy (newest first, every k-th, latest only) and the job leases several processes share.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { parseSuite } from "../../main/core/probes/suiteLoader.js";
import { selectCheckpoints } from "../../main/core/schedule/queue.js";
import type { LeaseHolder } from "../../main/core/store/probeStore.js";
import type { CheckpointRecord } from "../../main/core/store/runStore.js";
import { Store } from "../../main/core/store/store.js";
import { tempDir } from "../support/tmp.js";

const cp = (step: number, state: CheckpointRecord["state"], kind: CheckpointRecord["kind"] = "full", path = `/r/checkpoint-${step}`): CheckpointRecord => ({
  id: step,
  runId: 1,
  step,
  path,
  kind,
  state,
  detectedAt: "",
  completedAt: "",
  probedAt: null,
  fingerprint: null,
  fingerprintSince: null,
  essentials: [],
  waitingFor: null,
});

test("the policy picks newest first, every k-th by step order, or only the latest complete one", () => {
  const all = [cp(30, "pending"), cp(10, "pending"), cp(20, "done"), cp(40, "failed"), cp(50, "incomplete"), cp(60, "gone"), cp(70, "probing")];
  assert.deepEqual(selectCheckpoints(all, { every: 1 }).map((c) => c.step), [70, 40, 30, 10]);
  // every 2nd of 10,20,...,70 by step: 20, 40, 60; of those only 40 still needs probing
  assert.deepEqual(selectCheckpoints(all, { every: 2 }).map((c) => c.step), [40]);
  assert.deepEqual(selectCheckpoints(all, { every: 3 }).map((c) => c.step), [30]);
  assert.deepEqual(selectCheckpoints(all, { every: 1, latestOnly: true }).map((c) => c.step), [70]);
  assert.deepEqual(selectCheckpoints([cp(10, "pending"), cp(20, "done")], { every: 1, latestOnly: true }).map((c) => c.step), [], "the latest is done: nothing to do");
  // OpenRLHF keeps a DeepSpeed ("other") and an HF copy of one step: only the probeable one is picked.
  const twins = [cp(5, "pending", "other", "/r/global_step5"), cp(5, "pending", "full", "/r/global_step5_hf"), cp(6, "pending", "other", "/r/global_step6")];
  assert.deepEqual(selectCheckpoints(twins, { every: 1 }).map((c) => c.path), ["/r/global_step6", "/r/global_step5_hf"]);
});

function leaseStore(t: Parameters<typeof tempDir>[0]) {
  const store = Store.open(join(tempDir(t), "w.db"));
  t.after(() => store.close());
  const suite = store.probes.saveSuite(parseSuite("s.yaml", "id: s\nname: S\ntraits:\n  - id: t\n    name: T\n    polarity: higher_is_trait\n    role: control\n    items: [{ id: a, prompt: x }]\n    scorers: [{ kind: caps_ratio, name: c }]\n    score: c\n"), null);
  const run = store.runs.registerRun({ path: "/r" });
  store.runs.markComplete(run.id, { step: 1, path: "/r/checkpoint-1", kind: "full" }, "fp", []);
  const checkpoint = store.runs.listCheckpoints(run.id)[0]!;
  const trait = suite.traits[0]!;
  const job = store.probes.ensureJob(checkpoint.id, trait.id, trait.contexts[0]!.id, 1, 1);
  return { store, job, checkpoint };
}

const holder = (owner: string, gone: string[] = [], ttlMs = 60_000): LeaseHolder => ({ owner, ttlMs, ownerGone: (o) => gone.includes(o) });

test("a job is leased to one owner at a time; an expired lease or a dead owner's is taken over", async (t) => {
  const { store, job, checkpoint } = leaseStore(t);
  const a = holder("host:1:a");
  const b = holder("host:2:b");
  assert.deepEqual(store.probes.claimJobs([job.id], a), [job.id]);
  assert.deepEqual(store.probes.claimJobs([job.id], a), [job.id], "the holder may claim again");
  assert.deepEqual(store.probes.claimJobs([job.id], b), [], "another owner may not");
  assert.equal(store.probes.checkpointBusy(checkpoint.id, b), true);
  assert.equal(store.probes.checkpointBusy(checkpoint.id, a), false, "a process is never busy with itself");
  assert.deepEqual(store.probes.claimJobs([job.id], holder("host:2:b", ["host:1:a"])), [job.id], "a dead owner's lease is taken at once");
  store.probes.releaseJobs([job.id], "host:2:b");
  const short = holder("host:3:c", [], 20);
  assert.deepEqual(store.probes.claimJobs([job.id], short), [job.id]);
  assert.deepEqual(store.probes.claimJobs([job.id], a), []);
  await new Promise((r) => setTimeout(r, 40));
  assert.deepEqual(store.probes.claimJobs([job.id], a), [job.id], "an expired lease is taken");
  store.probes.updateJob(job.id, { state: "paused" });
  store.probes.releaseJobs([job.id], a.owner);
  assert.deepEqual(store.probes.claimJobs([job.id], b), [], "a paused job is not claimed");
});

test("recovery takes over only work whose lease expired or whose owner is gone, never a live process's", (t) => {
  const { store, job, checkpoint } = leaseStore(t);
  const live = holder("host:1:live");
  store.probes.claimJobs([job.id], live);
  store.probes.updateJob(job.id, { state: "running" });
  store.probes.setCheckpointState(checkpoint.id, "probing");
  assert.equal(store.probes.recoverInterrupted(holder("host:2:other")), 0);
  assert.equal(store.runs.listCheckpoints(1)[0]!.state, "probing", "a live owner's checkpoint is left alone");
  assert.equal(store.probes.recoverInterrupted(holder("host:2:other", ["host:1:live"])), 1);
  assert.equal(store.probes.getJob(job.checkpointId, job.traitId, job.contextId)!.state, "queued");
  assert.equal(store.runs.listCheckpoints(1)[0]!.state, "pending");
});
