// trainer_state.json log_history: training entries, eval_* entries and the final summary, keys kept as the trainer wrote them.
import { readBounded } from "../../util/boundedRead.js";
import type { MetricRow } from "../../store/store.js";
import { decodeUtf8, InputError, parseJson } from "../../util/readText.js";

export interface LogHistory {
  globalStep: number | null;
  /** The step training stops at (the Trainer's max_steps), when the file says. */
  maxSteps: number | null;
  entries: Record<string, unknown>[];
}

export async function readTrainerState(path: string): Promise<LogHistory> {
  const value = parseJson(path, decodeUtf8(path, await readBounded(path, "trainerState")));
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new InputError(path, "is not a JSON object");
  const v = value as { log_history?: unknown; global_step?: unknown; max_steps?: unknown };
  const globalStep = typeof v.global_step === "number" ? v.global_step : null;
  const maxSteps = typeof v.max_steps === "number" && v.max_steps > 0 ? v.max_steps : null;
  if (v.log_history === undefined) return { globalStep, maxSteps, entries: [] };
  if (!Array.isArray(v.log_history)) throw new InputError(path, "field log_history is not a list");
  return { globalStep, maxSteps, entries: v.log_history as Record<string, unknown>[] };
}

export interface HistoryRows {
  rows: MetricRow[];
  /** Entries that could not be used, named by their index in log_history. */
  problems: string[];
}

/**
 * Turns log_history entries (from index `from` on) into metric rows: every numeric or null value
 * under its own key at the entry's step. Strings and other shapes are not scalars and are skipped.
 */
export function historyRows(path: string, entries: Record<string, unknown>[], from = 0): HistoryRows {
  const rows: MetricRow[] = [];
  const problems: string[] = [];
  for (let i = from; i < entries.length; i++) {
    const e = entries[i];
    if (typeof e !== "object" || e === null || Array.isArray(e)) {
      problems.push(`${path}: log_history[${i}] is not an object; skipped`);
      continue;
    }
    const step = e.step;
    if (typeof step !== "number" || !Number.isInteger(step)) {
      problems.push(`${path}: log_history[${i}] has no integer "step"; skipped`);
      continue;
    }
    for (const key in e) {
      if (key === "step") continue;
      const value = e[key];
      if (value === null) rows.push({ key, step, value: null, wallTime: null });
      else if (typeof value === "number") rows.push({ key, step, value: Number.isFinite(value) ? value : null, wallTime: null });
    }
  }
  return { rows, problems };
}
