// Picks the scanner for a run: the user's setting, or the layout the folder shows.
import type { Dirent } from "node:fs";
import { hfScanner } from "./hf.js";
import { openrlhfScanner } from "./openrlhf.js";
import { patternScanner } from "./pattern.js";
import { peftScanner } from "./peft.js";
import type { FormatScanner } from "./types.js";
import { verlScanner } from "./verl.js";

/** Every fixed-layout format, one line each, in the order "auto" asks them (the most specific layout first). */
export const FORMATS: readonly FormatScanner[] = [
  hfScanner,
  verlScanner,
  openrlhfScanner,
  peftScanner,
];

const FIXED = new Map<string, FormatScanner>(FORMATS.map((f) => [f.format, f]));

/** Validates a format setting: auto, a format name, or pattern:REGEX. Throws a message fit for the user. */
export function parseFormatSetting(setting: string): { auto: true } | { auto: false; scanner: FormatScanner } {
  if (setting === "auto") return { auto: true };
  if (setting.startsWith("pattern:")) return { auto: false, scanner: patternScanner(setting.slice("pattern:".length)) };
  const s = FIXED.get(setting);
  if (!s) throw new Error(`unknown format "${setting}" (expected auto, ${[...FIXED.keys()].join(", ")} or pattern:REGEX)`);
  return { auto: false, scanner: s };
}

/** Recognises a layout from the run folder's own entries; null while nothing tells yet (e.g. an empty new run). */
export function detectFormat(entries: Dirent[]): FormatScanner | null {
  return FORMATS.find((f) => f.detect?.(entries)) ?? null;
}

export { hfScanner, openrlhfScanner, peftScanner, verlScanner };
export type { Candidate, FormatScanner, Verdict } from "./types.js";
