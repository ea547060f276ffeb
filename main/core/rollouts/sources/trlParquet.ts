// TRL's GRPO rollouts (log_completions=True): OUTPUT_DIR/completions/completions_{step:05d}.parquet, one file per
// logging step holding the latest generation batch, written with a plain to_parquet (not atomic). Columns: step,
// prompt, completion, one float column per reward function (NaN allowed), any extra logged columns, advantage.
// Read with hyparquet. A file is read once it is complete: "PAR1" at both ends, a footer that parses, and the same
// size and mtime for the quiet period; then never again (TRL writes each step's file once).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import type { ReadContext, ReadOutcome, RolloutCursor, RolloutFile, RolloutRow, RolloutSource } from "../types.js";
import { isFolderWith, listFiles, numberIn } from "./files.js";

const NAME = /^completions_\d+\.parquet$/;
const MAGIC = Buffer.from("PAR1");
/** Columns that are neither reward functions nor text: TRL's own. */
const KNOWN = new Set(["step", "prompt", "completion", "advantage"]);

/** Why a parquet file is not (yet) whole, or null when its ends and footer are. */
export function parquetIncomplete(bytes: Buffer): string | null {
  if (bytes.length < 12) return `only ${bytes.length} bytes`;
  if (!bytes.subarray(0, 4).equals(MAGIC)) return "no PAR1 magic at the start";
  if (!bytes.subarray(bytes.length - 4).equals(MAGIC)) return "no PAR1 magic at the end (still being written)";
  const footer = bytes.readUInt32LE(bytes.length - 8);
  if (footer + 12 > bytes.length) return `a footer of ${footer} bytes does not fit in ${bytes.length}`;
  try {
    parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer);
  } catch (err) {
    return `the footer does not parse (${(err as Error).message})`;
  }
  return null;
}

const num = (v: unknown): number | null => {
  const n = typeof v === "bigint" ? Number(v) : v;
  return typeof n === "number" && Number.isFinite(n) ? n : null;
};

export function trlRow(o: Record<string, unknown>, fileStep: number, rewardColumns: string[]): RolloutRow {
  const rewards: Record<string, number | null> = {};
  let total: number | null = null;
  // TRL's reward is the weighted sum of its functions' rewards with NaN skipped (nansum); weights are not logged,
  // so this is the unweighted sum (equal to TRL's with the default weights of 1).
  for (const c of rewardColumns) {
    const v = num(o[c]);
    rewards[c] = v;
    if (v !== null) total = (total ?? 0) + v;
  }
  return {
    step: num(o.step) ?? fileStep,
    prompt: typeof o.prompt === "string" ? o.prompt : JSON.stringify(o.prompt ?? ""),
    completion: typeof o.completion === "string" ? o.completion : JSON.stringify(o.completion ?? ""),
    reward: total,
    advantage: num(o.advantage),
    rewards,
  };
}

export const trlParquetSource: RolloutSource = {
  id: "trl",
  label: "TRL completions (completions/completions_NNNNN.parquet)",
  detect: (path) => isFolderWith(path, NAME),
  auto: async (root) => ((await isFolderWith(join(root, "completions"), NAME)) ? join(root, "completions") : null),
  files: (location) => listFiles(location, NAME, numberIn),
  async read(file: RolloutFile, cursor: RolloutCursor, ctx: ReadContext): Promise<ReadOutcome> {
    if (cursor.done && cursor.size === file.size && cursor.mtimeMs === file.mtimeMs) return { cursor, problems: [] };
    // The quiet period: unchanged size and mtime since first seen so.
    const changed = cursor.size !== file.size || cursor.mtimeMs !== file.mtimeMs;
    const stableSince = changed ? ctx.now : cursor.stableSince;
    const base: RolloutCursor = { size: file.size, mtimeMs: file.mtimeMs, offset: 0, line: 0, done: false, stableSince };
    // As for checkpoints: a file last written longer ago than the quiet period counts as quiet at first sight (a run
    // watched after it finished, or after a restart, is read at once).
    if (ctx.now - stableSince < ctx.quietPeriodMs && ctx.now - file.mtimeMs < ctx.quietPeriodMs) return { cursor: base, waiting: "changed within the quiet period", problems: [] };
    const bytes = await readFile(file.path);
    const why = parquetIncomplete(bytes);
    if (why) return { cursor: base, waiting: why, problems: [] };
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
    const meta = parquetMetadata(ab);
    const leaves = meta.schema.slice(1);
    const missing = ["prompt", "completion"].filter((c) => !leaves.some((l) => l.name === c));
    if (missing.length) return { cursor: { ...base, done: true }, problems: [`${file.path}: no ${missing.join(" or ")} column; not a TRL completions file (columns: ${leaves.map((l) => l.name).join(", ")})`] };
    const rewardColumns = leaves.filter((l) => !KNOWN.has(l.name) && (l.type === "DOUBLE" || l.type === "FLOAT")).map((l) => l.name);
    const rows = Number(meta.num_rows);
    const fileStep = numberIn(file.key);
    // One row group at a time (hyparquet decodes a whole group for any slice of it), handed over in batches: memory
    // is bounded by the largest row group the trainer wrote, not by the file.
    let start = 0;
    for (const group of meta.row_groups) {
      const end = start + Number(group.num_rows);
      const objects = (await parquetReadObjects({ file: ab, metadata: meta, rowStart: start, rowEnd: end })) as Record<string, unknown>[];
      for (let i = 0; i < objects.length; i += ctx.batchSize) {
        const upTo = Math.min(objects.length, i + ctx.batchSize);
        const batch: { index: number; row: RolloutRow }[] = [];
        for (let j = i; j < upTo; j++) batch.push({ index: start + j, row: trlRow(objects[j]!, fileStep, rewardColumns) });
        ctx.onRows(batch, { ...base, offset: start + upTo, line: start + upTo, done: start + upTo === rows });
      }
      start = end;
    }
    return { cursor: { ...base, offset: rows, line: rows, done: true }, problems: [] };
  },
};
