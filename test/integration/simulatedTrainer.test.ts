// The watcher against a trainer writing in another thread, across several interleavings.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Worker } from "node:worker_threads";
import { watchRun } from "../../main/core/runs/watcher.js";
import { EventBus } from "../../main/core/events/bus.js";
import { Store } from "../../main/core/store/store.js";
import type { TrainerMessage, TrainerPlan } from "../support/simulatedTrainer.js";
import { tempDir } from "../support/tmp.js";

const INTERVAL = 100;
const QUIET = 500;
/**
 * A liveness bound, not a speed figure (speed is `npm run bench`): a checkpoint that lives this long past the poll
 * interval and quiet period must have been detected. Generous, because on a loaded two-core machine a timer can fire
 * seconds late; the promise that matters, never complete early, is checked exactly.
 */
const GRACE = 5000;
/** How long after the trainer stops every kept checkpoint may take to settle, for the same reason. */
const SETTLE_DEADLINE_MS = 30_000;

const INTERLEAVINGS: Omit<TrainerPlan, "root">[] = [
  { seed: 1, steps: [10, 20, 30, 40, 50, 60], maxPauseMs: 60, trainMs: 250, saveTotalLimit: 3 },
  { seed: 2, steps: [5, 10, 15, 20, 25], maxPauseMs: 0, trainMs: 150, saveTotalLimit: 2 },
  { seed: 3, steps: [100, 200, 300, 400], maxPauseMs: 150, trainMs: 50, saveTotalLimit: 2 },
  { seed: 4, steps: [1, 2, 3, 4, 5, 6, 7], maxPauseMs: 30, trainMs: 400, saveTotalLimit: 1 },
  { seed: 5, steps: [50, 100, 150, 200], maxPauseMs: 90, trainMs: 300, saveTotalLimit: 10 },
  // Everything but trainer_state.json sits still for longer than the quiet period: only the marker holds it back.
  { seed: 6, steps: [10, 20, 30], maxPauseMs: 20, trainMs: 100, saveTotalLimit: 2, stallBeforeStateMs: QUIET + 400 },
];

for (const plan of INTERLEAVINGS) {
  test(`interleaving ${plan.seed}: never complete early, detected in time, rotated ones gone`, async (t) => {
    const dir = tempDir(t);
    const root = join(dir, "run");
    mkdirSync(root);
    const bus = new EventBus();
    const store = Store.open(join(dir, "w.db"), { publish: bus.publish });
    t.after(() => store.close());
    const run = store.runs.registerRun({ path: root });

    const pendingAt = new Map<number, number>();
    const goneAt = new Map<number, number>();
    bus.subscribe((e) => {
      if (e.type !== "checkpoint-changed") return;
      if (e.state === "pending" && !pendingAt.has(e.step)) pendingAt.set(e.step, Date.now());
      if (e.state === "gone") goneAt.set(e.step, Date.now());
    });
    const problems: string[] = [];
    const controller = new AbortController();
    const watching = watchRun(store, run.id, { intervalMs: INTERVAL, quietPeriodMs: QUIET, signal: controller.signal, onProblem: (_p, m) => problems.push(m) });

    const writtenAt = new Map<number, number>();
    const rotatedAt = new Map<number, number>();
    const trainerFile = new URL("../support/simulatedTrainer.js", import.meta.url);
    await new Promise<void>((resolve, reject) => {
      const worker = new Worker(trainerFile, { workerData: { ...plan, root } satisfies TrainerPlan });
      worker.on("message", (m: TrainerMessage) => {
        if (m.type === "written") writtenAt.set(m.step, m.at);
        if (m.type === "rotated") for (const s of m.steps) rotatedAt.set(s, m.at);
      });
      worker.on("error", reject);
      worker.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`trainer exited ${code}`))));
    });
    // Until every kept checkpoint has settled and every rotated one is gone (an event to wait for, not a delay).
    const settled = () => {
      const states = new Map(store.runs.listCheckpoints(run.id).map((c) => [c.step, c.state]));
      return plan.steps.every((step) => (rotatedAt.has(step) ? (states.get(step) ?? "gone") === "gone" : states.get(step) === "pending"));
    };
    for (const end = Date.now() + SETTLE_DEADLINE_MS; !settled() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    await watching;

    for (const step of plan.steps) {
      const written = writtenAt.get(step)!;
      const pending = pendingAt.get(step);
      if (pending !== undefined) assert.ok(pending >= written, `step ${step} reported complete ${written - pending} ms before its last file was written`);
      const rotated = rotatedAt.get(step);
      const lifetime = (rotated ?? Infinity) - written;
      if (lifetime > INTERVAL + QUIET + GRACE) {
        assert.ok(pending !== undefined, `step ${step} lived ${lifetime} ms but was never detected complete`);
        assert.ok(pending - written <= INTERVAL + QUIET + GRACE, `step ${step} detected after ${pending - written} ms`);
      }
    }
    const states = Object.fromEntries(store.runs.listCheckpoints(run.id).map((c) => [c.step, c.state]));
    for (const step of plan.steps) {
      if (rotatedAt.has(step)) assert.equal(states[step] ?? "gone", "gone", `rotated step ${step}`);
      else assert.equal(states[step], "pending", `kept step ${step}`);
    }
    assert.deepEqual(problems, []);
    // The last checkpoint's log_history holds every step; rotation took none of it away.
    assert.deepEqual(store.metrics.listMetrics(run.id, "loss").map((m) => [m.step, m.value]), plan.steps.map((s) => [s, 1 / s]));
  });
}
