// Reads what is new in a run's rollout files into the workspace: the run's named location (--rollouts) or the run
// folder's own (TRL's completions/), each file from its stored cursor, rows and cursor stored together, so a restart
// reads only what is new and a crash never stores a rollout twice. Problems in a file (a bad line, a parquet file of
// another shape) are reported with where they are, and the rest is read; nothing here throws for a file's content.
import type { RolloutStore } from "../store/rolloutStore.js";
import { locateRollouts } from "./sources/index.js";
import { NEW_CURSOR, type RolloutSource } from "./types.js";

export interface RolloutReadResult {
  source: string | null;
  location: string | null;
  /** Rows stored by this pass. */
  rows: number;
  steps: Set<number>;
  /** Files not read yet, with why (a parquet file still being written, or not yet quiet). */
  waiting: { file: string; reason: string }[];
  problems: string[];
}

export interface RolloutReadOptions {
  quietPeriodMs: number;
  now?: () => number;
  batchSize?: number;
}

export async function readRollouts(rollouts: RolloutStore, runId: number, runRoot: string, opts: RolloutReadOptions): Promise<RolloutReadResult> {
  const setting = rollouts.setting(runId);
  const found = await locateRollouts(runRoot, setting.path);
  const result: RolloutReadResult = { source: found?.source.id ?? null, location: found?.location ?? setting.path, rows: 0, steps: new Set(), waiting: [], problems: [] };
  if (!found) {
    if (setting.path) result.problems.push(`${setting.path}: not a rollout location this app reads (TRL completions/, verl {step}.jsonl files, OpenRLHF event files, or a .jsonl file)`);
    return result;
  }
  await readSource(rollouts, runId, found.source, found.location, opts, result);
  return result;
}

async function readSource(rollouts: RolloutStore, runId: number, source: RolloutSource, location: string, opts: RolloutReadOptions, result: RolloutReadResult): Promise<void> {
  const now = opts.now ?? Date.now;
  for (const file of await source.files(location)) {
    const cursor = rollouts.cursor(runId, file.key) ?? NEW_CURSOR;
    if (cursor.done && cursor.size === file.size && cursor.mtimeMs === file.mtimeMs) continue;
    if (!cursor.done && cursor.size === file.size && cursor.mtimeMs === file.mtimeMs && cursor.offset >= file.size) continue;
    try {
      const out = await source.read(file, cursor, {
        quietPeriodMs: opts.quietPeriodMs,
        now: now(),
        batchSize: opts.batchSize ?? 5000,
        onRows: (rows, at) => {
          for (const s of rollouts.insertRollouts(runId, file.key, source.id, rows, at)) result.steps.add(s);
          result.rows += rows.length;
        },
      });
      rollouts.saveCursor(runId, file.key, source.id, out.cursor);
      if (out.waiting) result.waiting.push({ file: file.path, reason: out.waiting });
      result.problems.push(...out.problems);
    } catch (err) {
      // A file that vanished or cannot be read now is tried again at the next pass.
      result.problems.push(`${file.path}: ${(err as Error).message}`);
    }
  }
}
