// The real TRL 1.13 GRPO output folder in ../shared/fixtures/trl-grpo-tiny, read in place by `watch --once`: its
// checkpoint is complete, and each logged quantity is one series (trainer_state.json's `reward` and TensorBoard's
// `train/reward` together) holding exactly the values trainer_state.json has.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { cli, cliJson } from "../support/cli.js";
import { fixture, needsFixture } from "../support/sharedFixtures.js";
import { assertEveryLoggedValue } from "../support/loggedValues.js";
import { tempDir } from "../support/tmp.js";

const RUN = "trl-grpo-tiny";

test("a real TRL GRPO run: one series per quantity, its values those of trainer_state.json, sources listed", { skip: needsFixture(`${RUN}/checkpoint-80/trainer_state.json`) }, async (t) => {
  const db = join(tempDir(t), "w.db");
  const root = fixture(RUN);
  const watched = await cli(["watch", root, "--once", "--quiet-period", "0", "--db", db]);
  assert.equal(watched.status, 0, watched.stderr);
  const checkpoints = await cliJson<{ step: number; state: string }[]>(["checkpoints", RUN, "--db", db, "--json"]);
  assert.deepEqual(checkpoints.map((c) => [c.step, c.state]), [[80, "pending"]]);

  const sources = await cliJson<{ key: string; sources: string[] }[]>(["metrics", RUN, "--sources", "--db", db, "--json"]);
  const keys = new Set(sources.map((s) => s.key));
  const history = (JSON.parse(readFileSync(join(root, "checkpoint-80", "trainer_state.json"), "utf8")) as { log_history: Record<string, number>[] }).log_history;
  const logged = new Set(history.flatMap((e) => Object.keys(e)).filter((k) => k !== "step"));
  for (const k of logged) {
    assert.ok(keys.has(k), `${k} is a series`);
    assert.ok(!keys.has(`train/${k}`), `no second series train/${k}`);
  }
  const reward = sources.find((s) => s.key === "reward")!;
  assert.deepEqual(reward.sources, ["trainer_state", "tfevents"], "written by both files, trainer_state's values kept");
  const points = await cliJson<{ step: number; value: number; wallTime: string | null }[]>(["metrics", RUN, "--key", "reward", "--db", db, "--json"]);
  const expected = history.filter((e) => typeof e.reward === "number").map((e) => [e.step, e.reward]);
  assert.deepEqual(points.map((p) => [p.step, p.value]), expected, "every value exactly as trainer_state.json has it");
  assert.ok(points.every((p) => p.wallTime !== null), "with TensorBoard's wall times");
  // Every value of every entry, not only the reward: one stored point per (quantity, step), equal to the file's.
  const all = await cliJson<{ key: string; step: number; value: number }[]>(["metrics", RUN, "--db", db, "--json"]);
  const compared = assertEveryLoggedValue(history, all);
  assert.ok(compared >= 80 * 20, `${compared} values compared`);
  // TRL logged the rollouts of each of the 80 steps: every completions file is there for the rollout reader.
  const completions = readdirSync(join(root, "completions")).filter((f) => /^completions_\d{5}\.parquet$/.test(f));
  assert.equal(completions.length, 80);
  // trainer_state.json says global_step 80 of max_steps 80: the run is finished.
  const runs = await cliJson<{ name: string; status: string; statusMessage: string | null }[]>(["runs", "--db", db, "--json"]);
  assert.deepEqual(runs.map((r) => [r.name, r.status, r.statusMessage]), [[RUN, "finished", "training reached max_steps 80"]]);
});
