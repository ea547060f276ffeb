// Probes one checkpoint: every (trait, context) job of the chosen suites, sample by sample, writing each finished
// sample as it arrives (batched transactions) and only asking for samples that are not stored yet.
import { setMaxListeners } from "node:events";
import { stat } from "node:fs/promises";
import { HttpError } from "../backends/http.js";
import type { Backend, ChatMessage, Completion, Prepared, Projection } from "../backends/types.js";
import type { Publish } from "../events/bus.js";
import { scorerKind } from "../probes/scorers/registry.js";
import { judgeCalls } from "../probes/scorers/judgeCalls.js";
import type { ProjectCall, ScoreValue } from "../probes/scorers/types.js";
import type { ScoringService } from "../probes/scoring.js";
import { resolveContext } from "../probes/runVariables.js";
import type { Context, Item, Trait } from "../probes/suiteSchema.js";
import type { JobRecord, LeaseHolder, ProbeStore, SampleRow, SavedSuite, SavedTrait } from "../store/probeStore.js";
import type { CheckpointRecord } from "../store/store.js";
import { mapLimit } from "../util/mapLimit.js";

export interface ProbePlan {
  suites: SavedSuite[];
  backend: Backend;
  /** The judge for judge scorers; without one, those scorers record null with the reason. */
  judge: Backend | null;
  /** Threshold overrides for derived rules ("rule.threshold" or "threshold"). */
  thresholds?: Record<string, number>;
  /** Only these traits (by key), if given. */
  traits?: string[];
  /** The run's variables, for contexts that say {var.NAME}. */
  variables?: Record<string, string>;
  /** The run's name, for notes. */
  runName?: string;
}

export interface ProberOptions {
  /** Flush finished samples at least this often (ms) or every batchSize samples. */
  batchMs?: number;
  batchSize?: number;
  /** Passes over the missing samples when requests keep failing with retryable errors. */
  jobAttempts?: number;
  signal?: AbortSignal;
  /** How often to check that the checkpoint folder still exists. */
  goneCheckMs?: number;
  /** Answers are stored up to this many bytes (scored whole), the cut marked. */
  maxResponseBytes?: number;
}

/** 64 KB, or DRIFTSCOPE_MAX_RESPONSE_BYTES. */
export const DEFAULT_MAX_RESPONSE_BYTES = ((n) => (Number.isSafeInteger(n) && n > 0 ? n : 64 * 1024))(Number(process.env.DRIFTSCOPE_MAX_RESPONSE_BYTES));

/** An answer as stored: whole, or its first maxBytes (at a character boundary) with the cut said in the text. */
export function storedResponse(text: string, maxBytes: number): { text: string; truncatedFrom: number | null } {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes <= maxBytes) return { text, truncatedFrom: null };
  const cut = Buffer.from(text, "utf8").subarray(0, maxBytes).toString("utf8").replace(/\uFFFD$/, "");
  return { text: `${cut}\n[… truncated by Driftscope: ${bytes} bytes in all, ${maxBytes} kept]`, truncatedFrom: bytes };
}

/** busy: another process holds every job of the checkpoint that is left to do; nothing was touched. */
export type ProbeOutcome = "done" | "failed" | "gone" | "cancelled" | "busy";

/** What a prober needs from the core: the stores it writes, the scoring service, the event bus and its lease. */
export interface ProbeServices {
  probes: ProbeStore;
  scoring: ScoringService;
  publish: Publish;
  lease: LeaseHolder;
}

interface Unit {
  job: JobRecord;
  trait: Trait;
  context: Context;
  item: Item;
  /** Sample indices still missing that use this wording. */
  indices: number[];
  wording: string;
}

interface JobRun {
  job: JobRecord;
  saved: SavedTrait;
  context: Context;
  done: number;
  failures: { message: string; retryable: boolean }[];
  started: number;
  lastScoreAt: number;
  /** How long the last interim recompute took (ms). */
  scoreMs: number;
}

/** The wordings of an item: sample k uses wording k mod count, so a resumed job asks exactly what it asked before. */
export function wordings(item: Item): string[] {
  return [item.prompt, ...(item.paraphrases ?? [])];
}

export function buildMessages(context: Context, item: Item, wording: string): ChatMessage[] {
  const system = [context.role === "item_system" ? null : context.system, item.system ?? null].filter((s): s is string => s !== null && s !== "");
  return [...(system.length > 0 ? [{ role: "system" as const, content: system.join("\n\n") }] : []), { role: "user", content: (context.userPrefix ?? "") + wording }];
}

export class Prober {
  private readonly probes: ProbeStore;

  constructor(
    private readonly services: ProbeServices,
    private readonly plan: ProbePlan,
    private readonly options: ProberOptions = {},
  ) {
    this.probes = services.probes;
  }

  private traitsToRun(): { suite: SavedSuite; saved: SavedTrait }[] {
    const out: { suite: SavedSuite; saved: SavedTrait }[] = [];
    for (const suite of this.plan.suites) for (const saved of suite.traits) if (!this.plan.traits || this.plan.traits.includes(saved.trait.id)) out.push({ suite, saved });
    return out;
  }

  /** Creates the checkpoint's jobs (idempotent); newer checkpoints get higher priority. */
  ensureJobs(checkpoint: CheckpointRecord): JobRun[] {
    const runs: JobRun[] = [];
    for (const { saved } of this.traitsToRun()) {
      const t = saved.trait;
      const total = t.items.length * t.sampling.samplesPerItem;
      for (const ctx of saved.contexts) {
        const resolved = resolveContext(t.contexts.find((c) => c.id === ctx.key)!, this.plan.variables ?? {});
        const job = this.probes.ensureJob(checkpoint.id, saved.id, ctx.id, total, checkpoint.step);
        if (resolved.context === null) {
          // The run lacks a variable this context needs: the context is skipped, and the job says why.
          const note = `skipped: run${this.plan.runName ? ` "${this.plan.runName}"` : ""} has no variable ${resolved.missing.join(", ")} (watch --var ${resolved.missing[0]}=...)`;
          if (job.state !== "cancelled" || job.lastError !== note) {
            this.probes.updateJob(job.id, { state: "cancelled", lastError: note });
            this.services.publish({ type: "job-progress", job: { jobId: job.id, runId: checkpoint.runId, step: checkpoint.step, trait: t.id, context: ctx.key, state: "cancelled", done: 0, total, rate: null, etaSeconds: null, lastError: note } });
          }
          continue;
        }
        const context = resolved.context;
        runs.push({ job, saved, context, done: this.probes.countSamples(checkpoint.id, saved.id, ctx.id), failures: [], started: Date.now(), lastScoreAt: 0, scoreMs: 0 });
      }
    }
    return runs;
  }

  async probeCheckpoint(checkpoint: CheckpointRecord, runName: string): Promise<ProbeOutcome> {
    // Jobs paused by the user wait; the checkpoint stays pending for them.
    const all = this.ensureJobs(checkpoint);
    const open = all.filter((j) => j.job.state !== "paused" && j.job.state !== "done");
    if (open.length === 0 && all.every((j) => j.job.state === "paused")) return "cancelled";
    // Only jobs this process holds a lease on are worked on: another process may be probing the same checkpoint.
    const { lease } = this.services;
    const won = new Set(this.probes.claimJobs(open.map((j) => j.job.id), lease));
    if (open.length > 0 && won.size === 0) return "busy";
    const jobs = [...all.filter((j) => won.has(j.job.id)), ...all.filter((j) => j.job.state === "done" && !won.has(j.job.id))];
    if (jobs.length === 0) return "cancelled";
    if (won.size === 0) return this.settleFinished(checkpoint, jobs);
    const heartbeat = setInterval(() => this.probes.renewLeases(lease), Math.max(50, lease.ttlMs / 3));
    heartbeat.unref();
    try {
      return await this.probeClaimed(checkpoint, runName, jobs);
    } finally {
      clearInterval(heartbeat);
      this.probes.releaseJobs([...won], lease.owner);
    }
  }

  /**
   * Every job is done and none needed this process: another process finished the checkpoint between this one
   * choosing it and looking at its jobs. No model is loaded; the checkpoint is only settled if that process stopped
   * before doing so, and otherwise reported as someone else's ("busy"), so it is not counted as probed twice.
   */
  private settleFinished(checkpoint: CheckpointRecord, jobs: JobRun[]): ProbeOutcome {
    const now = this.probes.checkpointState(checkpoint.id);
    if (now === "done" || this.probes.checkpointBusy(checkpoint.id, this.services.lease)) return "busy";
    return this.finish(checkpoint, jobs, "done", null);
  }

  private async probeClaimed(checkpoint: CheckpointRecord, runName: string, jobs: JobRun[]): Promise<ProbeOutcome> {
    const controller = new AbortController();
    const signal = this.options.signal ? AbortSignal.any([controller.signal, this.options.signal]) : controller.signal;
    setMaxListeners(0, signal); // every request in flight listens for cancellation
    let gone = false;
    const goneTimer = setInterval(() => {
      stat(checkpoint.path).catch(() => {
        gone = true;
        controller.abort();
      });
    }, this.options.goneCheckMs ?? 500);
    this.probes.setCheckpointState(checkpoint.id, "probing");

    let prepared: Prepared | null = null;
    let judgePrepared: Prepared | null = null;
    try {
      try {
        const target = { run: runName, step: checkpoint.step, path: checkpoint.path, kind: checkpoint.kind };
        prepared = await this.plan.backend.prepare(target, "policy");
        // The judge's templates ({run}, {step}, {checkpoint}) are those of the checkpoint it judges.
        judgePrepared = this.plan.judge ? await this.plan.judge.prepare(target, "judge") : null;
      } catch (err) {
        if (await missing(checkpoint.path)) return this.finish(checkpoint, jobs, "gone", "checkpoint deleted before probing");
        const message = `could not prepare the checkpoint: ${(err as Error).message}`;
        for (const j of jobs) j.failures.push({ message, retryable: false });
        return this.finish(checkpoint, jobs, "failed", message);
      }
      const attempts = this.options.jobAttempts ?? 3;
      for (let attempt = 0; attempt < attempts; attempt++) {
        const pending = jobs.filter((j) => j.done < j.job.total && !j.failures.some((f) => !f.retryable));
        if (pending.length === 0) break;
        for (const j of pending) j.failures = [];
        await this.runPass(checkpoint, pending, prepared, judgePrepared, signal);
        if (signal.aborted) break;
      }
      if (gone || (signal.aborted && (await missing(checkpoint.path)))) return this.finish(checkpoint, jobs, "gone", "checkpoint deleted while probing");
      if (this.options.signal?.aborted) return this.finish(checkpoint, jobs, "cancelled", null);
      const failed = jobs.some((j) => j.done < j.job.total);
      return this.finish(checkpoint, jobs, failed ? "failed" : "done", null);
    } finally {
      clearInterval(goneTimer);
      await prepared?.release().catch(() => undefined);
      await judgePrepared?.release().catch(() => undefined);
    }
  }

  private finish(checkpoint: CheckpointRecord, jobs: JobRun[], outcome: ProbeOutcome, reason: string | null): ProbeOutcome {
    for (const j of jobs) {
      const complete = j.done >= j.job.total;
      const state = complete ? "done" : outcome === "cancelled" ? "queued" : outcome === "gone" ? "cancelled" : "failed";
      const lastError = complete ? null : (reason ?? j.failures[j.failures.length - 1]?.message ?? null);
      this.probes.updateJob(j.job.id, { state, done: j.done, attempts: j.job.attempts + 1, lastError });
      this.services.scoring.recompute(checkpoint.id, j.saved.id, j.job.contextId);
      this.progress(checkpoint, j, state);
    }
    // The drift view reads packed copies of the scores: re-pack now, while the checkpoint's rows are fresh, rather
    // than on the next view of the run.
    this.probes.packScores(checkpoint.runId);
    // Jobs another process still holds decide the checkpoint's state when that process finishes them.
    if (outcome === "gone" || !this.probes.checkpointBusy(checkpoint.id, this.services.lease)) {
      this.probes.setCheckpointState(checkpoint.id, outcome === "gone" ? "gone" : outcome === "cancelled" || outcome === "busy" ? "pending" : outcome);
    }
    return outcome;
  }

  private progress(checkpoint: CheckpointRecord, j: JobRun, state: JobRecord["state"]): void {
    const elapsed = (Date.now() - j.started) / 1000;
    const rate = elapsed > 0 ? j.done / elapsed : null;
    this.services.publish({
      type: "job-progress",
      job: {
        jobId: j.job.id,
        runId: checkpoint.runId,
        step: checkpoint.step,
        trait: j.saved.trait.id,
        context: j.context.id,
        state,
        done: j.done,
        total: j.job.total,
        rate,
        etaSeconds: rate && rate > 0 ? (j.job.total - j.done) / rate : null,
        lastError: j.failures[j.failures.length - 1]?.message ?? null,
      },
    });
  }

  private async runPass(checkpoint: CheckpointRecord, jobs: JobRun[], prepared: Prepared, judge: Prepared | null, signal: AbortSignal): Promise<void> {
    const units: { unit: Unit; run: JobRun }[] = [];
    for (const run of jobs) {
      this.probes.updateJob(run.job.id, { state: "running" });
      const have = this.probes.sampleKeys(checkpoint.id, run.saved.id, run.job.contextId);
      run.done = have.size;
      const t = run.saved.trait;
      for (const item of t.items) {
        const words = wordings(item);
        const byWording = new Map<number, number[]>();
        for (let k = 0; k < t.sampling.samplesPerItem; k++) {
          if (have.has(`${item.id}\u0000${k}`)) continue;
          const w = k % words.length;
          byWording.set(w, [...(byWording.get(w) ?? []), k]);
        }
        for (const [w, indices] of byWording) units.push({ unit: { job: run.job, trait: t, context: run.context, item, indices, wording: words[w]! }, run });
      }
    }
    // Units of the newest checkpoint's jobs run together through the backend's own concurrency limit.
    let buffer: { row: SampleRow; run: JobRun }[] = [];
    let lastFlush = Date.now();
    const batchMs = this.options.batchMs ?? 200;
    const batchSize = this.options.batchSize ?? 256;
    const flush = () => {
      if (buffer.length === 0) return;
      const rows = buffer;
      buffer = [];
      lastFlush = Date.now();
      this.probes.insertSamples(rows.map((r) => r.row));
      const touched = new Set<JobRun>();
      for (const r of rows) {
        r.run.done++;
        touched.add(r.run);
      }
      for (const run of touched) {
        this.probes.updateJob(run.job.id, { done: run.done });
        // Interim scores for the live view every couple of seconds, or less often when a recompute (a bootstrap
        // over every sample so far) takes long: at most a tenth of the time goes to them.
        if (Date.now() - run.lastScoreAt > Math.max(2000, 10 * run.scoreMs)) {
          const t = performance.now();
          this.services.scoring.recompute(checkpoint.id, run.saved.id, run.job.contextId, true);
          run.scoreMs = performance.now() - t;
          run.lastScoreAt = Date.now();
        }
        this.progress(checkpoint, run, "running");
      }
    };
    const timer = setInterval(() => {
      if (Date.now() - lastFlush >= batchMs) flush();
    }, batchMs);
    try {
      // Enough units that both servers can be full at once, at the capacity found so far (read again as each unit
      // finishes, so the work kept ready follows the limits as they grow or fall): a unit holds no place on the
      // policy's server while it waits for its judge (places are taken per request), so judging is pipelined
      // behind generation, each on its own budget, and a request is ready whenever a place frees. A quarter more
      // keeps requests queued for each place that frees; more than that only holds requests in memory.
      const room = (b: Backend | null) => (b ? (b.capacity ?? b.maxConcurrency) : 0);
      const window = () => Math.max(8, Math.ceil((room(this.plan.backend) + room(this.plan.judge)) * 1.25));
      await mapLimit(units, window, async ({ unit, run }) => {
        if (signal.aborted) return;
        try {
          const rows = await this.sampleUnit(checkpoint, run.saved, unit, prepared, judge, signal);
          for (const row of rows) buffer.push({ row, run });
          if (buffer.length >= batchSize) flush();
        } catch (err) {
          if (signal.aborted) return;
          if (err instanceof HttpError && err.malformed) {
            // The server answered, but not with an answer, even after retries: those samples are recorded as
            // null with the reason, so one bad answer never fails the whole job (and is visible where it happened).
            for (const row of this.nullRows(checkpoint, run.saved, unit, `no answer: ${err.message}`)) buffer.push({ row, run });
            return;
          }
          const retryable = err instanceof HttpError ? err.retryable : false;
          run.failures.push({ message: (err as Error).message, retryable });
        }
      });
    } finally {
      clearInterval(timer);
      flush();
    }
  }

  /** A sample of a unit: where it belongs, and what was answered and scored. */
  private sampleRow(checkpoint: CheckpointRecord, saved: SavedTrait, unit: Unit, index: number, answer: Pick<SampleRow, "response" | "score" | "scores" | "nullReason" | "latencyMs" | "tokens">): SampleRow {
    const contextId = saved.contexts.find((c) => c.key === unit.context.id)!.id;
    return { checkpointId: checkpoint.id, traitId: saved.id, contextId, item: unit.item.id, index, prompt: unit.wording, ...answer };
  }

  private nullRows(checkpoint: CheckpointRecord, saved: SavedTrait, unit: Unit, reason: string): SampleRow[] {
    return unit.indices.map((index) => this.sampleRow(checkpoint, saved, unit, index, { response: null, score: null, scores: {}, nullReason: reason.slice(0, 500), latencyMs: null, tokens: null }));
  }

  /** Generates the missing samples of one item wording and scores them. */
  private async sampleUnit(checkpoint: CheckpointRecord, saved: SavedTrait, unit: Unit, prepared: Prepared, judge: Prepared | null, signal: AbortSignal): Promise<SampleRow[]> {
    const t = unit.trait;
    const choice = t.sampling.mode === "next_token_logprobs";
    const completions: Completion[] = await this.plan.backend.generate(
      prepared,
      {
        messages: buildMessages(unit.context, unit.item, unit.wording),
        n: unit.indices.length,
        temperature: choice ? 0 : t.sampling.temperature,
        topP: t.sampling.topP,
        maxTokens: choice ? 1 : t.sampling.maxTokens,
        seed: t.sampling.seed === undefined ? undefined : t.sampling.seed + unit.indices[0]!,
        topLogprobs: choice ? 20 : undefined,
      },
      signal,
    );
    return Promise.all(
      unit.indices.map(async (index, i) => {
        const c = completions[i] ?? completions[completions.length - 1]!;
        const values = await this.score(t, unit, c, prepared, judge, signal);
        const main = values[t.score] ?? { value: null, nullReason: "no score" };
        const stored = storedResponse(c.text, this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
        return this.sampleRow(checkpoint, saved, unit, index, {
          response: stored.text,
          score: main.value,
          scores: stored.truncatedFrom === null ? values : { ...values, _truncated: { bytes: stored.truncatedFrom } },
          nullReason: main.value === null ? (main.nullReason ?? null) : null,
          latencyMs: c.latencyMs,
          tokens: c.tokens ?? null,
        });
      }),
    );
  }

  /** Every scorer of the trait, in order, through the registry: what a scorer needs decides what it is given. */
  private async score(t: Trait, unit: Unit, c: Completion, prepared: Prepared, judge: Prepared | null, signal: AbortSignal): Promise<Record<string, ScoreValue>> {
    const values: Record<string, ScoreValue> = {};
    const { judge: callJudge, judgeSample: sampleJudge } = judgeCalls(this.plan.judge, judge, signal);
    // Activation scorers of one sample that ask for the same vector, layer and base share one forward pass.
    const backend = this.plan.backend;
    const projections = new Map<string, Promise<Projection>>();
    const project: ProjectCall | null = backend.project
      ? (req) => {
          const key = JSON.stringify([req.vector, req.layer, req.base]);
          let p = projections.get(key);
          if (!p) {
            const messages = buildMessages(unit.context, unit.item, unit.wording);
            p = backend.project!(prepared, { ...req, samples: [{ messages, response: c.text }] }, signal).then((rows) => rows[0]!);
            projections.set(key, p);
          }
          return p;
        }
      : null;
    for (const s of t.scorers) {
      const kind = scorerKind(s.kind);
      if (kind.needs === "judge" && !callJudge) {
        values[s.name] = { value: null, nullReason: "no judge backend configured" };
        continue;
      }
      values[s.name] = await kind.score(s, {
        text: c.text,
        question: unit.wording,
        topLogprobs: c.topLogprobs ?? [],
        item: unit.item,
        values,
        thresholds: this.plan.thresholds ?? {},
        judge: callJudge,
        judgeSample: sampleJudge,
        project,
      });
    }
    return values;
  }
}

async function missing(path: string): Promise<boolean> {
  try {
    await stat(path);
    return false;
  } catch {
    return true;
  }
}
