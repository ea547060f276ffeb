// A watched run that has stopped changing: later polls of one poller read nothing but the folder's listing and the
// metric files' stamps, yet still see a new checkpoint, a grown log at once, and a file removed inside a complete
// checkpoint at the next sweep.
import assert from "node:assert/strict";
import { appendFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { RunPoller, SWEEP_MS } from "../../main/core/runs/poller.js";
import { Store } from "../../main/core/store/store.js";
import { ageTree, hfCheckpointFiles, writeFilesNow } from "../support/checkpoints.js";
import { tempDir } from "../support/tmp.js";


test("an unchanged run costs a listing; new checkpoints, grown logs and (at a sweep) removed files are still seen", async (t) => {
  const dir = tempDir(t);
  const root = join(dir, "run");
  for (const s of [10, 20, 30]) writeFilesNow(join(root, `checkpoint-${s}`), hfCheckpointFiles(s, "full"));
  writeFileSync(join(root, "metrics.jsonl"), '{"step": 1, "probe/acc": 0.9}\n');
  ageTree(root, 60);
  const store = Store.open(join(dir, "w.db"));
  t.after(() => store.close());
  const run = store.runs.registerRun({ path: root });
  let clock = Date.now();
  const poller = new RunPoller(store, run.id, { quietPeriodMs: 10_000, now: () => clock });
  const states = () => Object.fromEntries(store.runs.listCheckpoints(run.id).map((c) => [c.step, c.state]));

  const first = await poller.poll();
  assert.equal(first.complete, 3);
  assert.equal(first.unchanged, undefined);
  const idle = await poller.poll();
  assert.equal(idle.unchanged, true, "nothing changed: nothing judged or read");
  assert.equal(idle.complete, 3);

  // A log that grows (TensorBoard or jsonl) is read at the next poll, not at the next sweep.
  appendFileSync(join(root, "metrics.jsonl"), '{"step": 2, "probe/acc": 0.8}\n');
  const grown = await poller.poll();
  assert.notEqual(grown.unchanged, true);
  assert.deepEqual(store.metrics.listMetrics(run.id, "probe/acc").map((m) => m.step), [1, 2]);
  assert.equal((await poller.poll()).unchanged, true);

  // A file removed inside a complete checkpoint does not change the run folder's listing: found at the sweep.
  rmSync(join(root, "checkpoint-10", "model.safetensors"));
  assert.equal((await poller.poll()).unchanged, true);
  // Sweeps are SWEEP_MS apart, started up to a fifth early (runs spread out): none before four fifths of it.
  clock += (SWEEP_MS * 4) / 5 - 1000;
  assert.equal((await poller.poll()).unchanged, true);
  clock += SWEEP_MS / 5 + 2000;
  const swept = await poller.poll();
  assert.equal(swept.gone, 1);
  assert.equal(states()[10], "gone");

  // A new checkpoint changes the listing: judged at once, and while it settles no poll is skipped.
  writeFilesNow(join(root, "checkpoint-40"), hfCheckpointFiles(40, "full"));
  ageTree(join(root, "checkpoint-40"), -(clock - Date.now()) / 1000); // written "now" by the poller's clock
  const fresh = await poller.poll();
  assert.equal(fresh.settling, 1);
  assert.notEqual((await poller.poll()).unchanged, true, "something is settling: every poll looks");
  clock += 11_000;
  ageTree(join(root, "checkpoint-40"), 30);
  const settled = await poller.poll();
  assert.equal(settled.complete, 3);
  assert.equal(states()[40], "pending");
  assert.equal((await poller.poll()).unchanged, true);
});
