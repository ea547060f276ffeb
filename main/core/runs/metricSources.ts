// Finds the training-metric files of a run and reads each incrementally from its saved cursor.
import type { Dirent } from "node:fs";
import { stat } from "node:fs/promises";
import { openRegular } from "../util/boundedRead.js";
import { basename, dirname, join } from "node:path";
import type { Store } from "../store/store.js";
import { errorCode, walkFiles } from "./fileTree.js";
import { isVerlLine, readJsonlMetrics } from "./metrics/jsonlMetrics.js";
import { readEventFile, scalarsToRows } from "./metrics/tfevents.js";
import { historyRows, readTrainerState } from "./metrics/trainerState.js";
import type { Report } from "./formats/types.js";

/** Cursor key of the log_history stream, which moves from one checkpoint's trainer_state.json to the next. */
export const LOG_HISTORY_CURSOR = "#log_history";

export interface MetricContext {
  store: Store;
  runId: number;
  root: string;
  /** Checkpoint folders, which are not searched for log files. */
  checkpointDirs: Set<string>;
  /** trainer_state.json of the newest complete checkpoint, if the format has one. */
  latestTrainerState: string | null;
  quietPeriodMs: number;
  now: number;
  report: Report;
}

const MAX_DEPTH = 4;

/** Log files under the run folder, skipping checkpoint folders (they hold weights, not logs). */
async function findLogFiles(ctx: MetricContext, rootEntries: Dirent[]): Promise<{ events: string[]; jsonl: string[] }> {
  const events: string[] = [];
  const jsonl: string[] = [];
  const consider = (dir: string, e: Dirent) => {
    if (e.name.startsWith("events.out.tfevents.")) events.push(join(dir, e.name));
    else if (e.name.endsWith(".jsonl")) jsonl.push(join(dir, e.name));
  };
  const isLog = (name: string) => name.startsWith("events.out.tfevents.") || name.endsWith(".jsonl");
  for (const e of rootEntries) {
    const full = join(ctx.root, e.name);
    if (e.isFile()) consider(ctx.root, e);
    else if (isLog(e.name) && !e.isDirectory()) {
      // A log that is a link (read if it leads to a regular file in the run folder) or a FIFO/device (never read).
      const tree = await walkFiles(ctx.root, { maxDepth: 0, within: ctx.root });
      const bad = tree.unreadable.find((u) => u.rel === e.name);
      if (bad) ctx.report(full, `${full}: ${bad.reason}; not read`);
      else if (tree.files.some((f) => f.rel === e.name)) consider(ctx.root, e);
    } else if (e.isDirectory() && !ctx.checkpointDirs.has(full) && !e.name.startsWith(".")) {
      const tree = await walkFiles(full, { maxDepth: MAX_DEPTH, within: ctx.root });
      for (const f of tree.files) {
        const name = basename(f.rel);
        if (name.startsWith("events.out.tfevents.")) events.push(join(full, f.rel));
        else if (name.endsWith(".jsonl")) jsonl.push(join(full, f.rel));
      }
      for (const u of tree.unreadable) if (isLog(basename(u.rel))) ctx.report(join(full, u.rel), `${join(full, u.rel)}: ${u.reason}; not read`);
    }
  }
  return { events, jsonl };
}

/**
 * Reads what is new in the run's metric files; returns every file it looked at, so a poll that finds the run
 * folder unchanged can tell from their sizes and mtimes alone whether there is anything to read.
 */
export async function ingestMetrics(ctx: MetricContext, rootEntries: Dirent[]): Promise<string[]> {
  await ingestLogHistory(ctx);
  const { events, jsonl } = await findLogFiles(ctx, rootEntries);
  for (const f of events) await ingestEventFile(ctx, f);
  for (const f of jsonl) await ingestJsonl(ctx, f);
  return [...(ctx.latestTrainerState ? [ctx.latestTrainerState] : []), join(ctx.root, "trainer_state.json"), ...events, ...jsonl];
}

/** One message per file: the first problem, and how many more there were. */
function reportAll(ctx: MetricContext, path: string, problems: string[]): void {
  if (problems.length === 0) return;
  ctx.report(path, problems.length === 1 ? problems[0]! : `${problems[0]} (and ${problems.length - 1} more problems in this file)`);
}

async function statOrNull(path: string) {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}

/**
 * A run is finished when its trainer state says training reached max_steps (the Trainer writes both into every
 * checkpoint's trainer_state.json and, at the end, the output folder's); a later state below max_steps (training
 * resumed with a longer schedule) makes it watched again. A paused run stays paused.
 */
function finishedRule(ctx: MetricContext, globalStep: number | null, maxSteps: number | null): void {
  const run = ctx.store.runs.getRun(ctx.runId);
  if (!run || run.status === "paused" || globalStep === null || maxSteps === null) return;
  if (globalStep >= maxSteps && run.status !== "finished") ctx.store.runs.setRunStatus(ctx.runId, "finished", `training reached max_steps ${maxSteps}`);
  else if (globalStep < maxSteps && run.status === "finished") ctx.store.runs.setRunStatus(ctx.runId, "watching", null);
}

async function ingestLogHistory(ctx: MetricContext): Promise<void> {
  const { store, runId } = ctx;
  // The checkpoint's copy is verified complete; a root copy (written by save_state at the end) may be newer.
  const options = [ctx.latestTrainerState, join(ctx.root, "trainer_state.json")].filter((p): p is string => p !== null);
  let best: { path: string; size: number; mtimeMs: number } | null = null;
  for (const p of options) {
    const s = await statOrNull(p);
    if (s?.isFile() && (!best || s.mtimeMs > best.mtimeMs)) best = { path: p, size: s.size, mtimeMs: s.mtimeMs };
  }
  if (!best) return;
  const cursor = store.metrics.getCursor(runId, LOG_HISTORY_CURSOR);
  const st = cursor?.state as { file?: string; entries?: number; lastStep?: number } | undefined;
  if (cursor && st?.file === best.path && cursor.size === best.size && cursor.mtimeMs === best.mtimeMs) return; // nothing new

  let history;
  try {
    history = await readTrainerState(best.path);
  } catch (err) {
    // A root trainer_state.json is written non-atomically: only complain once it has been quiet for a while.
    const settled = ctx.now - best.mtimeMs >= ctx.quietPeriodMs;
    if (best.path === ctx.latestTrainerState || settled) ctx.report(best.path, (err as Error).message);
    return;
  }
  ctx.store.metrics.clearProblem(runId, best.path);
  finishedRule(ctx, history.globalStep, history.maxSteps);
  // log_history only grows while a run goes on; if the saved prefix still ends where it did, read only the new tail.
  let from = 0;
  const known = st?.entries ?? 0;
  if (known > 0 && history.entries.length >= known && history.entries[known - 1]?.step === st?.lastStep) from = known;
  const { rows, problems } = historyRows(best.path, history.entries, from);
  reportAll(ctx, best.path, problems);
  const last = history.entries[history.entries.length - 1];
  store.metrics.advanceSource(
    runId,
    {
      path: LOG_HISTORY_CURSOR,
      reader: "trainer_state",
      offset: 0,
      size: best.size,
      mtimeMs: best.mtimeMs,
      state: { file: best.path, entries: history.entries.length, lastStep: typeof last?.step === "number" ? last.step : null },
    },
    rows,
  );
}

async function ingestEventFile(ctx: MetricContext, path: string): Promise<void> {
  const { store, runId } = ctx;
  const s = await statOrNull(path);
  if (!s) return;
  const cursor = store.metrics.getCursor(runId, path);
  if (cursor && cursor.size === s.size && cursor.mtimeMs === s.mtimeMs) return;
  let offset = cursor?.offset ?? 0;
  if (s.size < offset) offset = 0; // the file was replaced by a shorter one: start over (upserts keep this idempotent)
  if (cursor?.state.broken && s.size === cursor.size) return;
  let result;
  try {
    result = await readEventFile(path, offset);
  } catch (err) {
    ctx.report(path, `${path}: ${errorCode(err)}`);
    return;
  }
  reportAll(ctx, path, result.problems);
  store.metrics.advanceSource(
    runId,
    { path, reader: "tfevents", offset: result.nextOffset, size: result.size, mtimeMs: result.mtimeMs, state: { broken: result.broken } },
    scalarsToRows(result.scalars, basename(dirname(path))),
  );
}

async function firstLine(path: string): Promise<string | null> {
  const fh = await openRegular(path);
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const nl = buf.subarray(0, bytesRead).indexOf(0x0a);
    return nl < 0 ? null : buf.subarray(0, nl).toString("utf8");
  } finally {
    await fh.close();
  }
}

async function ingestJsonl(ctx: MetricContext, path: string): Promise<void> {
  const { store, runId } = ctx;
  const s = await statOrNull(path);
  if (!s) return;
  const cursor = store.metrics.getCursor(runId, path);
  if (cursor && cursor.size === s.size && cursor.mtimeMs === s.mtimeMs) return;
  if (cursor?.reader === "ignored") return;
  if (!cursor) {
    // metrics.jsonl by name; any other *.jsonl only when its first line is verl's {"step":N,"data":{…}}.
    const line = await firstLine(path).catch(() => null);
    if (line === null) return; // no complete line yet
    if (basename(path) !== "metrics.jsonl" && !isVerlLine(line)) {
      store.metrics.advanceSource(runId, { path, reader: "ignored", offset: 0, size: 0, mtimeMs: 0, state: {} }, []);
      return;
    }
  }
  let offset = cursor?.offset ?? 0;
  let line = (cursor?.state.line as number | undefined) ?? 1;
  if (s.size < offset) {
    offset = 0; // replaced by a shorter file: start over (upserts keep it idempotent)
    line = 1;
  }
  let result;
  try {
    result = await readJsonlMetrics(path, offset, line);
  } catch (err) {
    ctx.report(path, `${path}: ${errorCode(err)}`);
    return;
  }
  reportAll(ctx, path, result.problems);
  store.metrics.advanceSource(
    runId,
    { path, reader: "jsonl", offset: result.nextOffset, size: result.size, mtimeMs: result.mtimeMs, state: { line: result.nextLine } },
    result.rows,
  );
}
