// Any trainer's rollouts as plain JSON lines: rollouts.jsonl with {"step", "prompt", "completion", "reward"?,
// "advantage"?} per line (in the run folder, or named with --rollouts). Appended to while training runs.
import { join } from "node:path";
import { stat } from "node:fs/promises";
import type { RolloutSource } from "../types.js";
import { numberOrNull, readJsonlRollouts } from "../jsonlFile.js";
import { listFiles } from "./files.js";

export const genericJsonlSource: RolloutSource = {
  id: "jsonl",
  label: 'rollouts.jsonl ({"step", "prompt", "completion", "reward"?, "advantage"?})',
  detect: async (path) => /\.jsonl$/.test(path) && Boolean((await stat(path).catch(() => null))?.isFile()),
  auto: async (root) => ((await stat(join(root, "rollouts.jsonl")).catch(() => null))?.isFile() ? join(root, "rollouts.jsonl") : null),
  files: (location) => listFiles(location, /\.jsonl$/, () => 0),
  read: (file, cursor, ctx) =>
    readJsonlRollouts(file, cursor, ctx, (v) => {
      if (!v || typeof v !== "object" || Array.isArray(v)) return "not a JSON object";
      const o = v as Record<string, unknown>;
      if (typeof o.step !== "number" || !Number.isSafeInteger(o.step) || o.step < 0) return '"step" must be a whole number ≥ 0';
      if (typeof o.prompt !== "string") return '"prompt" must be a string';
      if (typeof o.completion !== "string") return '"completion" must be a string';
      for (const k of ["reward", "advantage"]) if (o[k] !== undefined && o[k] !== null && typeof o[k] !== "number") return `"${k}" must be a number or null`;
      return { step: o.step, prompt: o.prompt, completion: o.completion, reward: numberOrNull(o.reward), advantage: numberOrNull(o.advantage), rewards: {} };
    }),
};
