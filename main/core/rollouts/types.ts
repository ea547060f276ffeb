// What a rollout is once read (whatever the trainer wrote), and what a rollout source is: one module per trainer
// format, registered in sources/index.ts, read incrementally with a cursor per file.
import type { RolloutSampleView } from "../../../shared/views.js";

/** One completion the policy sampled during RL, with what the trainer logged about it. */
export type RolloutRow = Omit<RolloutSampleView, "scores">;

/** A file a source reads, as listed now. */
export interface RolloutFile {
  /** Stable identity within the run (the path relative to the rollout location). */
  key: string;
  path: string;
  size: number;
  mtimeMs: number;
}

/** Where reading a file has got to; stored per (run, file) so a restart reads only what is new. */
export interface RolloutCursor {
  size: number;
  mtimeMs: number;
  /** Bytes consumed (line-oriented formats) or rows consumed (parquet). */
  offset: number;
  /** Lines or rows consumed, for line numbers in messages and row indices. */
  line: number;
  /** The file is read whole and will not be read again (a parquet file once complete). */
  done: boolean;
  /** When the file was first seen at its current size and mtime (the quiet period's start). */
  stableSince: number;
}

export const NEW_CURSOR: RolloutCursor = { size: -1, mtimeMs: -1, offset: 0, line: 0, done: false, stableSince: 0 };

export interface ReadContext {
  quietPeriodMs: number;
  now: number;
  /** Rows are handed over in batches of at most this many (bounded memory for huge steps). */
  batchSize: number;
  /** Each batch of rows, with the cursor that is true once they are stored (stored in one transaction with them). */
  onRows(rows: { index: number; row: RolloutRow }[], cursor: RolloutCursor): void;
}

export interface ReadOutcome {
  cursor: RolloutCursor;
  /** The file is not ready (a parquet file still being written, or not yet quiet): read again later. */
  waiting?: string;
  /** Problems with parts of the file (a bad line, with its number); the rest is read. */
  problems: string[];
}

export interface RolloutSource {
  readonly id: string;
  readonly label: string;
  /** Whether a path named with --rollouts is this source's (a folder or a file). */
  detect(path: string): Promise<boolean>;
  /** A run folder's own rollouts, found without being named (TRL's completions/); null when there are none. */
  auto?(runRoot: string): Promise<string | null>;
  /** The files under the location, in reading order. */
  files(location: string): Promise<RolloutFile[]>;
  /** Reads what is new in one file since its cursor. */
  read(file: RolloutFile, cursor: RolloutCursor, ctx: ReadContext): Promise<ReadOutcome>;
}
