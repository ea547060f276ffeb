// Picks the scanner for a run: the user's setting, or the layout the folder shows.
import type { Dirent } from "node:fs";
import type { RunFormat } from "../../../../shared/domain.js";
import { hfScanner } from "./hf.js";
import { openrlhfScanner } from "./openrlhf.js";
import { patternScanner } from "./pattern.js";
import { peftScanner } from "./peft.js";
import type { FormatScanner } from "./types.js";
import { verlScanner } from "./verl.js";

const FIXED: Record<Exclude<RunFormat, "pattern">, FormatScanner> = {
  hf: hfScanner,
  peft: peftScanner,
  verl: verlScanner,
  openrlhf: openrlhfScanner,
};

/** Validates a format setting: auto, a format name, or pattern:REGEX. Throws a message fit for the user. */
export function parseFormatSetting(setting: string): { auto: true } | { auto: false; scanner: FormatScanner } {
  if (setting === "auto") return { auto: true };
  if (setting.startsWith("pattern:")) return { auto: false, scanner: patternScanner(setting.slice("pattern:".length)) };
  const s = FIXED[setting as keyof typeof FIXED];
  if (!s) throw new Error(`unknown format "${setting}" (expected auto, hf, peft, verl, openrlhf or pattern:REGEX)`);
  return { auto: false, scanner: s };
}

/** Recognises a layout from the run folder's own entries; null while nothing tells yet (e.g. an empty new run). */
export function detectFormat(entries: Dirent[]): FormatScanner | null {
  const names = entries.map((e) => e.name);
  if (names.some((n) => /^checkpoint-\d+$/.test(n))) return hfScanner;
  if (names.some((n) => /^global_step_\d+$/.test(n)) || names.includes("latest_checkpointed_iteration.txt")) return verlScanner;
  if (names.some((n) => /^global_step\d+(_hf)?$/.test(n)) || names.includes("_actor")) return openrlhfScanner;
  if (names.includes("adapter_config.json") || names.includes("adapter_model.safetensors")) return peftScanner;
  return null;
}

export { hfScanner, openrlhfScanner, peftScanner, verlScanner };
export type { Candidate, FormatScanner, Verdict } from "./types.js";
