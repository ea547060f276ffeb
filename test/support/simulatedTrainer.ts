// A simulated trainer, run in a worker thread so it writes while the watcher polls: checkpoints file by file in the
// Trainer's order with random pauses, safetensors sized first and zero-filled, trainer_state.json last and in two
// writes, some checkpoints staged in tmp-checkpoint-* and renamed, and save_total_limit rotation file by file.
import { rename } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parentPort, workerData } from "node:worker_threads";
import { rotateCheckpoints, writeCheckpointFolder } from "../../main/core/demo/hfWriter.js";
import { seededRandom } from "../../main/core/util/random.js";
import { hfCheckpointFiles, type HfKind } from "./checkpoints.js";

export interface TrainerPlan {
  root: string;
  seed: number;
  steps: number[];
  /** Longest pause between two file operations, ms. */
  maxPauseMs: number;
  /** A stall before trainer_state.json longer than the quiet period (as when optimizer state is slow to write), ms. */
  stallBeforeStateMs?: number;
  /** Pause between checkpoints ("training"), ms. */
  trainMs: number;
  saveTotalLimit: number;
}

export type TrainerMessage = { type: "written"; step: number; at: number } | { type: "rotated"; steps: number[]; at: number } | { type: "done" };

async function run(plan: TrainerPlan): Promise<void> {
  const rng = seededRandom(plan.seed);
  const kinds: HfKind[] = ["full", "lora", "sharded"];
  const pause = (file = "") => Math.floor(rng() * plan.maxPauseMs) + (file === "trainer_state.json" ? (plan.stallBeforeStateMs ?? 0) : 0);
  const history: Record<string, unknown>[] = []; // log_history grows with the run, as the Trainer's does
  for (const step of plan.steps) {
    await sleep(plan.trainMs);
    history.push({ step, loss: 1 / step });
    const kind = kinds[Math.floor(rng() * kinds.length)]!;
    const staged = rng() < 0.25;
    const final = join(plan.root, `checkpoint-${step}`);
    const target = staged ? join(plan.root, `tmp-checkpoint-${step}`) : final;
    await writeCheckpointFolder(target, hfCheckpointFiles(step, kind, history), {
      pauseMs: pause,
      zeroFillFirst: true,
      splitTrainerState: true,
    });
    if (staged) await rename(target, final);
    parentPort!.postMessage({ type: "written", step, at: Date.now() } satisfies TrainerMessage);
    const removed = await rotateCheckpoints(plan.root, plan.saveTotalLimit, pause);
    if (removed.length > 0) parentPort!.postMessage({ type: "rotated", steps: removed, at: Date.now() } satisfies TrainerMessage);
  }
  parentPort!.postMessage({ type: "done" } satisfies TrainerMessage);
}

if (parentPort && workerData) await run(workerData as TrainerPlan);
