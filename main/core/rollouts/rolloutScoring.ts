// Scores a run's rollouts with the text scorers of its suites' traits, step by step: every scorer that applies to
// free text (language, caps_ratio, pattern, length, derived rules over them) on every rollout; the judges on a
// deterministic sample of each step (judgePerStep rollouts, chosen by a hash of their file and row) so judging never
// falls behind training, with the rollout's prompt as the question. Each step is scored under a lease (two processes
// never score the same step), in batches, resumably: a rollout is marked processed for a trait in the same
// transaction as its scores. Then the step's statistics are computed and stored.
import type { Backend, Prepared } from "../backends/types.js";
import { scorerKind } from "../probes/scorers/registry.js";
import { judgeCalls } from "../probes/scorers/judgeCalls.js";
import type { ScoreValue } from "../probes/scorers/types.js";
import type { Trait } from "../probes/suiteSchema.js";
import type { LeaseHolder } from "../store/probeStore.js";
import { SCORED_MARK, type RolloutScoreRow, type RolloutStore, type StoredRollout } from "../store/rolloutStore.js";
import { mapLimit } from "../util/mapLimit.js";
import { rolloutStats } from "./rolloutStats.js";

export interface RolloutTrait {
  trait: Trait;
  /** The trait's scorers that apply to free text, in the suite's order. */
  scorers: Trait["scorers"];
  /** Whether any of them needs the judge. */
  judged: boolean;
  threshold: number;
}

export interface RolloutPlan {
  traits: RolloutTrait[];
  judge: Backend | null;
  judgePerStep: number;
  thresholds: Record<string, number>;
  runName: string;
  runPath: string;
}

const TEXT_NEEDS = new Set(["text", "judge", "scores"]);

/**
 * The traits a rollout can be scored for: those whose score comes from a scorer that reads free text (or a judge, or
 * a rule over those). Traits scored from the model's own logprobs or activations need the model, not its text.
 */
export function rolloutTraits(traits: Trait[]): { usable: RolloutTrait[]; skipped: string[] } {
  const usable: RolloutTrait[] = [];
  const skipped: string[] = [];
  for (const t of traits) {
    const scorers = t.scorers.filter((s) => TEXT_NEEDS.has(scorerKind(s.kind).needs));
    if (!scorers.some((s) => s.name === t.score)) {
      skipped.push(`${t.id}: its score (${t.score}) needs the model itself, not the text it wrote`);
      continue;
    }
    const main = t.scorers.find((s) => s.name === t.score)!;
    usable.push({ trait: t, scorers, judged: scorers.some((s) => scorerKind(s.kind).needs === "judge"), threshold: t.threshold ?? (main.kind === "judge_0_100" ? 50 : 0.5) });
  }
  return { usable, skipped };
}

/** FNV-1a over a rollout's identity: the judged sample of a step is the same in every process and every run. */
export function sampleKey(fileKey: string, rowIndex: number): number {
  let h = 0x811c9dc5;
  const s = `${fileKey}\u0000${rowIndex}`;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function judgedSample(ids: { id: number; fileKey: string; rowIndex: number }[], perStep: number): Set<number> {
  return new Set(
    ids
      .map((r) => ({ id: r.id, k: sampleKey(r.fileKey, r.rowIndex) }))
      .sort((a, b) => a.k - b.k || a.id - b.id)
      .slice(0, perStep)
      .map((r) => r.id),
  );
}

function detailOf(v: ScoreValue): Record<string, unknown> | null {
  const d: Record<string, unknown> = {};
  if (v.nullReason) d.nullReason = v.nullReason;
  if (v.estimator) d.estimator = v.estimator;
  if (v.answers) d.answers = v.answers;
  if (v.raw) d.raw = v.raw;
  return Object.keys(d).length ? d : null;
}

const BATCH = 500;

export class RolloutScorer {
  constructor(
    private readonly rollouts: RolloutStore,
    private readonly lease: LeaseHolder,
    private readonly runId: number,
    private readonly plan: RolloutPlan,
  ) {}

  /** Scores every pending step of every trait, newest step first; returns how many rollouts were scored. */
  async scorePending(signal?: AbortSignal): Promise<number> {
    let scored = 0;
    let judge: Prepared | null = null;
    try {
      for (const rt of this.plan.traits) {
        for (const step of this.rollouts.pendingSteps(this.runId, rt.trait.id)) {
          if (signal?.aborted) return scored;
          if (!this.rollouts.claimStep(this.runId, step, this.lease)) continue; // another process is scoring it
          try {
            if (rt.judged && this.plan.judge && !judge) judge = await this.plan.judge.prepare({ run: this.plan.runName, step, path: this.plan.runPath, kind: "other" }, "judge");
            scored += await this.scoreStep(rt, step, judge, signal);
            this.aggregate(rt, step);
          } finally {
            this.rollouts.releaseStep(this.runId, step, this.lease.owner);
          }
        }
      }
    } finally {
      await judge?.release().catch(() => undefined);
    }
    return scored;
  }

  /** Recomputes and stores a step's statistics for a trait from its stored scores. */
  aggregate(rt: RolloutTrait, step: number): void {
    const rows = this.rollouts.statRows(this.runId, step, rt.trait.id, rt.trait.score);
    const stats = rolloutStats(rows, rt.threshold);
    const method =
      `prevalence: mean of ${rt.trait.score} with a 95% percentile bootstrap over prompts (2000 replicates, fixed seed); reward correlation: Spearman (mid-ranks) with the same bootstrap; ` +
      `advantage-weighted: Σ A·t / Σ|A|; reward share: reward of rollouts scoring above ${rt.threshold} over all reward` +
      (rt.judged ? `; judged rollouts: a fixed sample of ${this.plan.judgePerStep} per step` : "");
    this.rollouts.saveAggregate(this.runId, { step, trait: rt.trait.id, scorer: rt.trait.score, threshold: rt.threshold, method, ...stats });
  }

  private async scoreStep(rt: RolloutTrait, step: number, judge: Prepared | null, signal?: AbortSignal): Promise<number> {
    const sample = rt.judged ? judgedSample(this.rollouts.identities(this.runId, step), this.plan.judgePerStep) : new Set<number>();
    const judgeBackend = this.plan.judge;
    const { judge: callJudge, judgeSample: sampleJudge } = judgeCalls(judgeBackend, judge, signal);
    let count = 0;
    let after = 0;
    const heartbeat = setInterval(() => this.rollouts.renewStep(this.runId, step, this.lease), Math.max(50, this.lease.ttlMs / 3));
    heartbeat.unref();
    try {
      for (;;) {
        const rows = this.rollouts.unscored(this.runId, step, rt.trait.id, after, BATCH);
        if (rows.length === 0 || signal?.aborted) break;
        after = rows[rows.length - 1]!.id;
        const out: RolloutScoreRow[] = [];
        const scoreOne = async (r: StoredRollout) => {
          const judged = sample.has(r.id);
          const values: Record<string, ScoreValue> = {};
          for (const s of rt.scorers) {
            const kind = scorerKind(s.kind);
            if (kind.needs === "judge" && !judged) continue; // outside the step's judged sample
            if (kind.needs === "scores" && rt.judged && !judged) continue; // a rule over judges it cannot see
            if (kind.needs === "judge" && !callJudge) {
              values[s.name] = { value: null, nullReason: "no judge backend configured" };
              continue;
            }
            values[s.name] = await kind.score(s, { text: r.completion, question: r.prompt, topLogprobs: [], item: {}, values, thresholds: this.plan.thresholds, judge: callJudge, judgeSample: sampleJudge });
          }
          for (const [name, v] of Object.entries(values)) out.push({ rolloutId: r.id, trait: rt.trait.id, scorer: name, value: v.value, detail: detailOf(v) });
          out.push({ rolloutId: r.id, trait: rt.trait.id, scorer: SCORED_MARK, value: null, detail: judged ? { judged: true } : null });
        };
        const needJudge = rows.filter((r) => sample.has(r.id));
        const cheap = rows.filter((r) => !sample.has(r.id));
        for (const r of cheap) await scoreOne(r);
        await mapLimit(needJudge, Math.max(1, judgeBackend?.maxConcurrency ?? 1), scoreOne);
        this.rollouts.insertScores(out);
        count += rows.length;
        // Let the event loop serve probing and the app between batches: scoring is synchronous work on the same thread.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      clearInterval(heartbeat);
    }
    return count;
  }
}
