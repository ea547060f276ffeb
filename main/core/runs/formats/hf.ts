// Hugging Face Trainer / TRL: checkpoint-<step>/ with trainer_state.json written last.
import { join } from "node:path";
import { allSafetensorsWhole, findWeights, has, jsonMarker, matchFolders, topLevel } from "./common.js";
import type { FormatScanner } from "./types.js";

/** The Trainer's own resume pattern; tmp-checkpoint-* (still being written) does not match it. */
export const HF_CHECKPOINT = /^checkpoint-(\d+)$/;

export const hfScanner: FormatScanner = {
  format: "hf",
  detect: (entries) => entries.some((e) => HF_CHECKPOINT.test(e.name)),
  trainerStateOf: (checkpointPath) => join(checkpointPath, "trainer_state.json"),
  async list(root, entries, report) {
    return await matchFolders(root, entries, HF_CHECKPOINT, report, "other");
  },
  async verify(c, tree) {
    if (!has(tree, "trainer_state.json")) return { ready: false, reason: "trainer_state.json not written yet" };
    const state = await jsonMarker(c.path, tree, "trainer_state.json", "trainerState");
    if (!state.ok) return { ready: false, reason: state.reason };
    const globalStep = (state.value as { global_step?: unknown }).global_step;
    if (globalStep !== c.step) {
      return { ready: false, reason: `trainer_state.json has global_step ${String(globalStep)}, expected ${c.step}` };
    }
    const weights = await findWeights(c.path, tree);
    if (!weights.ok) return { ready: false, reason: weights.reason };
    const bad = await allSafetensorsWhole(c.path, tree);
    if (bad) return { ready: false, reason: bad };
    return { ready: true, kind: weights.kind, essentials: topLevel([...weights.names, "trainer_state.json"]) };
  },
};
