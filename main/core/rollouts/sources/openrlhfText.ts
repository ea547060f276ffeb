// OpenRLHF logs only the first sample of each step, as TensorBoard text under train/generated_samples, formatted
// "Sample:\n{text}\n\nReward: {reward}" where text is the decoded prompt and answer together (add_text; the file
// gets "train/generated_samples/text_summary"). Read incrementally from the event files with the metrics reader;
// the prompt is not separable, so it is "" and the whole text is the completion.
import { readEventFile } from "../../runs/metrics/tfevents.js";
import type { RolloutSource } from "../types.js";
import { isFolderWith, listFiles } from "./files.js";

const NAME = /^events\.out\.tfevents\./;
const TAG = "train/generated_samples";

/** The text and reward of one logged sample, or null when it is not in OpenRLHF's shape. */
export function parseGeneratedSample(text: string): { completion: string; reward: number | null } | null {
  const m = /^Sample:\n([\s\S]*)\n\nReward: (\S+)\s*$/.exec(text);
  if (!m) return null;
  const r = Number(m[2]);
  return { completion: m[1]!, reward: Number.isFinite(r) ? r : null };
}

export const openrlhfTextSource: RolloutSource = {
  id: "openrlhf",
  label: "OpenRLHF's logged samples (TensorBoard text train/generated_samples)",
  detect: async (path) => NAME.test(path.split("/").pop() ?? "") || (await isFolderWith(path, NAME)),
  files: (location) => listFiles(location, NAME, () => 0),
  async read(file, cursor, ctx) {
    const offset = file.size < cursor.offset ? 0 : cursor.offset;
    const r = await readEventFile(file.path, offset);
    const problems = [...r.problems];
    const rows = [];
    let line = cursor.line;
    for (const t of r.texts) {
      if (t.tag !== TAG) continue;
      const parsed = parseGeneratedSample(t.text);
      if (!parsed) {
        problems.push(`${file.path}: the ${TAG} text at step ${t.step} is not "Sample:\\n…\\n\\nReward: R"; skipped`);
        continue;
      }
      rows.push({ index: line++, row: { step: t.step, prompt: "", completion: parsed.completion, reward: parsed.reward, advantage: null, rewards: {} } });
    }
    const next = { ...cursor, size: r.size, mtimeMs: r.mtimeMs, offset: r.nextOffset, line };
    ctx.onRows(rows, next);
    return { cursor: next, problems };
  },
};
