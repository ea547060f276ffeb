// One poll of one run folder: where a checkpoint is detected, judged complete, or found gone.
//
// The completeness rule (DESIGN section 4): the format's markers parse, every safetensors file is whole,
// and the folder's names, sizes and mtimes have not changed for the quiet period: two identical scans that
// far apart, or, at first sight, files whose newest mtime is already older than the quiet period.
//
// Idle cost (a run left watched for days): a poll that finds the run folder's entries as they were, with nothing
// incomplete, costs one readdir plus a stat of each metric file read last time; complete checkpoints are not
// listed again or reloaded from the store. A full poll, which also makes sure complete checkpoints are still there,
// runs when the entries change and at least once a SWEEP_MS (a file removed inside a checkpoint changes nothing
// in the run folder's own listing). Sweeps of different runs are spread over the first fifth of that period, so
// runs started together do not all sweep in the same tick.
import type { Dirent } from "node:fs";
import { readdir } from "node:fs/promises";
import { sep } from "node:path";
import { COMPLETE_STATES } from "../../../shared/domain.js";
import type { CheckpointRecord, Store } from "../store/store.js";
import { errorCode, fingerprint, walkFiles } from "./fileTree.js";
import { detectFormat, parseFormatSetting, type Candidate, type FormatScanner } from "./formats/index.js";
import { ingestMetrics } from "./metricSources.js";
import { mapLimit } from "../util/mapLimit.js";
import { statPath } from "../util/fsCallbacks.js";

/** Candidate checkpoints judged at once (exported so the scan benchmark's baseline stats with the same parallelism). */
export const JUDGE_CONCURRENCY = 8;
/** Complete checkpoints are checked again at least this often: a sweep costs about a file-system call per complete
 * checkpoint, and at five minutes 50 runs x 200 checkpoints stay under 2% of a core (npm run bench idle). */
export const SWEEP_MS = 300_000;

export interface PollOptions {
  quietPeriodMs: number;
  /**
   * How long a checkpoint may sit unchanged and incomplete before it is reported as a problem (default six quiet
   * periods): a trainer can legitimately pause for a while before its last file, e.g. writing optimizer state.
   */
  stuckAfterMs?: number;
  /** Clock, replaceable in tests. */
  now?: () => number;
  /** Told about each new problem (the CLI prints them; the app shows them). */
  onProblem?: (path: string, message: string) => void;
  /** Follow links that lead outside the run folder (by default they are reported, not followed). */
  followLinks?: boolean;
}

export interface PollResult {
  /** Checkpoints whose files changed within the quiet period: still being written or settling. */
  settling: number;
  incomplete: number;
  complete: number;
  gone: number;
  format: string | null;
  /** The run folder's entries and metric files were as they were at the last poll: nothing was read or judged. */
  unchanged?: boolean;
}

/** What the last full poll saw, for telling the next one whether anything changed. */
interface LastPoll {
  /** The run folder's entry names and types, sorted. */
  signature: string;
  /** The same entries in the order the listing gave them: an unchanged folder lists in the same order, so most idle
   * polls compare these one by one and never build or sort the signature. */
  listing: { names: string[]; folders: boolean[] };
  result: PollResult;
  sweptAt: number;
  /** Metric files read, by path: "size:mtime", or "" for one that did not exist. */
  metricFiles: Map<string, string>;
  metricContext: { checkpointDirs: Set<string>; latestTrainerState: string | null };
}

/** A folder's entry names and types in one string, independent of the order they were listed in. */
function signatureOf(entries: Dirent[]): string {
  return entries
    .map((e) => `${e.name}${e.isDirectory() ? "/" : ""}`)
    .sort()
    .join("\n");
}

function sameListing(entries: Dirent[], last: LastPoll["listing"]): boolean {
  if (entries.length !== last.names.length) return false;
  for (let i = 0; i < entries.length; i++) if (entries[i]!.name !== last.names[i] || entries[i]!.isDirectory() !== last.folders[i]) return false;
  return true;
}

async function fileStamp(path: string): Promise<string> {
  try {
    const s = await statPath(path);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return "";
  }
}

async function stamps(paths: string[]): Promise<Map<string, string>> {
  return new Map(await Promise.all(paths.map(async (p) => [p, await fileStamp(p)] as const)));
}

export class RunPoller {
  private readonly now: () => number;
  private last: LastPoll | null = null;

  constructor(
    private readonly store: Store,
    readonly runId: number,
    private readonly options: PollOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  private report = (path: string, message: string): void => {
    if (this.store.metrics.recordProblem(this.runId, path, message)) this.options.onProblem?.(path, message);
  };

  async poll(): Promise<PollResult> {
    const run = this.store.runs.getRun(this.runId);
    if (!run) throw new Error(`run ${this.runId} no longer exists`);
    const root = run.path;
    const result: PollResult = { settling: 0, incomplete: 0, complete: 0, gone: 0, format: run.format };

    let entries: Dirent[];
    try {
      // readdir of a file fails with ENOTDIR itself: no stat first, so an idle poll is this one call.
      entries = await readdir(root, { withFileTypes: true });
    } catch (err) {
      this.last = null;
      // An unreachable run folder (unmounted share, permissions) is an error of the run, not a reason to call its checkpoints gone.
      const message = `${root}: ${errorCode(err)}`;
      this.report(root, message);
      this.store.runs.setRunStatus(this.runId, "error", message);
      return result;
    }
    const now = this.now();
    const last = this.last;
    const signature = last && sameListing(entries, last.listing) ? last.signature : signatureOf(entries);
    if (last && last.signature === signature && last.result.incomplete === 0 && now - last.sweptAt < SWEEP_MS && run.status !== "error" && run.format === last.result.format) {
      const current = await stamps([...last.metricFiles.keys()]);
      if ([...current].every(([p, st]) => last.metricFiles.get(p) === st)) return { ...last.result, unchanged: true };
      // Only the logs moved: read them; the checkpoints are as they were.
      last.metricFiles = await this.ingest(root, entries, last.metricContext, now);
      return { ...last.result };
    }
    const sweep = !last || now - last.sweptAt >= SWEEP_MS;
    this.store.metrics.clearProblem(this.runId, root);

    const scanner = this.chooseScanner(run.formatSetting, entries);
    if (!scanner) {
      this.store.runs.setRunStatus(this.runId, run.status === "error" ? "watching" : run.status, "waiting for the first checkpoint");
      return result;
    }
    if (run.format !== scanner.format) this.store.runs.setRunFormat(this.runId, scanner.format);
    result.format = scanner.format;

    const candidates = await scanner.list(root, entries, this.report);
    const seen = new Set(candidates.map((c) => c.path));
    const known = new Map(this.store.runs.listCheckpoints(this.runId).map((c) => [c.path, c]));

    for (const [path, rec] of known) {
      if (!seen.has(path) && rec.state !== "gone") this.store.runs.markGone(this.runId, path);
    }

    let newestComplete: Candidate | null = null;
    // Checkpoints are judged a few at a time: file-system latency, not CPU, bounds a poll of a long run.
    const completions: Completion[] = [];
    const states = await mapLimit(candidates, JUDGE_CONCURRENCY, (c) => this.judge(scanner, c, known.get(c.path), root, sweep, completions));
    this.store.runs.markCompleteMany(this.runId, completions);
    for (const [i, c] of candidates.entries()) {
      const state = states[i];
      if (state === "complete") {
        result.complete++;
        if (!newestComplete || c.step > newestComplete.step) newestComplete = c;
      } else if (state === "gone") result.gone++;
      else {
        result.incomplete++;
        if (state === "settling") result.settling++;
      }
    }
    for (const rec of known.values()) if (!seen.has(rec.path)) result.gone++;

    const metricContext = { checkpointDirs: seen, latestTrainerState: scanner.trainerStateOf && newestComplete ? scanner.trainerStateOf(newestComplete.path) : null };
    const metricFiles = await this.ingest(root, entries, metricContext, this.now());
    // A run's sweeps start up to a fifth of the period early, by its id, so runs watched together sweep apart.
    const stagger = ((this.runId * 7919) % 997) / 997 * (SWEEP_MS / 5);
    const listing = { names: entries.map((e) => e.name), folders: entries.map((e) => e.isDirectory()) };
    this.last = { signature, listing, result: { ...result }, sweptAt: sweep ? now - stagger : last!.sweptAt, metricFiles, metricContext };

    const fresh = this.store.runs.getRun(this.runId)!;
    // A poll that got this far clears an error or a waiting note; a finished run keeps the reason it finished.
    if (fresh.status === "error" || (fresh.statusMessage !== null && fresh.status !== "finished")) this.store.runs.setRunStatus(this.runId, fresh.status === "error" ? "watching" : fresh.status, null);
    return result;
  }

  /** Reads what is new in the run's metric files; returns the files it read, with their stamps for the next poll. */
  private async ingest(root: string, entries: Dirent[], metricContext: LastPoll["metricContext"], now: number): Promise<Map<string, string>> {
    const files = await ingestMetrics({ store: this.store, runId: this.runId, root, ...metricContext, quietPeriodMs: this.options.quietPeriodMs, now, report: this.report }, entries);
    return stamps(files);
  }

  private chooseScanner(setting: string, entries: Dirent[]): FormatScanner | null {
    const parsed = parseFormatSetting(setting);
    return parsed.auto ? detectFormat(entries) : parsed.scanner;
  }

  private async judge(
    scanner: FormatScanner,
    c: Candidate,
    rec: CheckpointRecord | undefined,
    root: string,
    sweep: boolean,
    completions: Completion[],
  ): Promise<"complete" | "settling" | "stuck" | "gone"> {
    if (rec && COMPLETE_STATES.includes(rec.state)) {
      // Verified before, and its folder is still listed: between sweeps that is enough.
      if (!sweep) return "complete";
      // On a sweep, only check it is still there (cheap), so a poll of a long run stays fast.
      const present = scanner.stillThere ? await scanner.stillThere(c, rec.essentials) : await essentialsPresent(c.path, rec.essentials);
      if (present) return "complete";
      this.store.runs.markGone(this.runId, c.path);
      return "gone";
    }

    const now = this.now();
    const tree = await walkFiles(c.path, { within: this.options.followLinks ? null : root, rootIsReal: c.plain === true && (c.path === root || c.path.startsWith(root + sep)) });
    const unreadableRoot = tree.unreadable.find((u) => u.rel === ".");
    if (unreadableRoot) {
      if (rec?.state === "gone") return "gone";
      if (unreadableRoot.code === "ENOENT") {
        // Listed, then removed before it could be read (a trainer rotating out an unfinished checkpoint): gone, which
        // is no problem to report.
        if (rec) this.store.runs.markGone(this.runId, c.path);
        return "gone";
      }
      this.report(c.path, `${c.path}: ${unreadableRoot.reason}`);
      return "stuck";
    }
    const fp = fingerprint(tree);
    const since = rec && rec.fingerprint === fp && rec.fingerprintSince !== null ? rec.fingerprintSince : now;
    const newest = tree.files.reduce((m, f) => Math.max(m, f.mtimeMs), 0);
    const quiet = this.options.quietPeriodMs;
    const stable = now - since >= quiet || (tree.files.length > 0 && now - newest >= quiet);

    const verdict = await scanner.verify(c, tree, root);
    if (rec?.state === "gone" && !verdict.ready) return "gone"; // e.g. verl's emptied folder stays behind after rotation

    if (verdict.ready && stable && tree.unreadable.length === 0) {
      // Written with the poll's other completions in one transaction once every checkpoint is judged.
      completions.push({ checkpoint: { ...c, kind: verdict.kind }, fingerprint: fp, essentials: verdict.essentials });
      return "complete";
    }
    // A file that cannot be read explains more than the marker it keeps from parsing, so it is said first.
    const waitingFor = tree.unreadable.length > 0 ? `${tree.unreadable[0]!.rel}: ${tree.unreadable[0]!.reason}` : !verdict.ready ? verdict.reason : `files changed within the quiet period (${Math.round(this.options.quietPeriodMs / 100) / 10} s)`;
    if (!rec || rec.fingerprint !== fp || rec.waitingFor !== waitingFor || rec.state !== "incomplete") {
      this.store.runs.saveIncomplete(this.runId, c, fp, since, waitingFor);
    }
    if (!stable) return "settling";
    const stuckAfter = this.options.stuckAfterMs ?? 6 * quiet;
    const unchangedFor = Math.max(now - since, tree.files.length > 0 ? now - newest : 0);
    if (unchangedFor >= stuckAfter) {
      // Unchanged for long and still not whole: the trainer stopped or the files are bad. Say so, by path.
      this.report(c.path, `${c.path}: checkpoint is not complete: ${waitingFor}`);
    }
    return "stuck";
  }
}

type Completion = Parameters<Store["runs"]["markCompleteMany"]>[1][number];

async function essentialsPresent(path: string, essentials: string[]): Promise<boolean> {
  try {
    const names = new Set(await readdir(path));
    return essentials.every((e) => names.has(e));
  } catch {
    return false;
  }
}
