// verl's rollout dumps (trainer.rollout_data_dir=DIR): DIR/{global_step}.jsonl, one line per response with input,
// output, gts, score (the sequence's reward), step and reward-extra keys. The prompt repeats across its n samples
// and there is no group id: groups are the prompt text. No advantage is logged.
import type { RolloutSource } from "../types.js";
import { numberOrNull, readJsonlRollouts } from "../jsonlFile.js";
import { isFolderWith, listFiles, numberIn } from "./files.js";

const NAME = /^\d+\.jsonl$/;

export const verlJsonlSource: RolloutSource = {
  id: "verl",
  label: "verl rollout dumps (DIR/{step}.jsonl)",
  detect: (path) => isFolderWith(path, NAME),
  files: (location) => listFiles(location, NAME, numberIn),
  read: (file, cursor, ctx) =>
    readJsonlRollouts(file, cursor, ctx, (v) => {
      if (!v || typeof v !== "object") return "not a JSON object";
      const o = v as Record<string, unknown>;
      if (typeof o.input !== "string" || typeof o.output !== "string") return 'needs "input" and "output" strings';
      const rewards: Record<string, number | null> = {};
      for (const [k, x] of Object.entries(o)) if (!["input", "output", "gts", "score", "step"].includes(k) && typeof x === "number") rewards[k] = numberOrNull(x);
      return { step: numberOrNull(o.step) ?? numberIn(file.key), prompt: o.input, completion: o.output, reward: numberOrNull(o.score), advantage: null, rewards };
    }),
};
