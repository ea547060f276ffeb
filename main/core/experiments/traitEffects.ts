// One trait's share of an experiment's effects: its per-item scores at the point of comparison, read from the
// workspace, then the bootstrap of bootstrap.ts for each comparison (one, or one per step with "every"). Traits are
// independent of each other (each starts the bootstrap's generator afresh from the same seed), so this runs the same
// on the core's thread or in a statistics worker (effectsPool.ts), and the results are identical either way.
import type { ExperimentStore, ItemScore } from "../store/experimentStore.js";
import type { RunRecord } from "../store/runStore.js";
import { experimentStatistics, type BootstrapOptions, type ConditionData, type ItemMeans } from "./bootstrap.js";
import type { EffectRow, GapRow, InteractionRow, PointOfComparison, RunValueRow } from "./effects.js";

/** Everything one trait's comparison needs, as plain data (it is posted to a worker). */
export interface TraitJob {
  trait: string;
  /** The steps of each run the point of comparison reads for this trait. */
  steps: Map<number, number[]>;
  at: PointOfComparison;
  /** The control first, then the compared conditions (and the reference run's, if any). */
  names: string[];
  byCondition: Map<string, RunRecord[]>;
  control: string;
  contexts?: string[];
  gaps?: [string, string][];
  interactions: { condition: string; parts: [string, string] }[];
  bootstrap?: BootstrapOptions;
}

export interface TraitEffects {
  rows: EffectRow[];
  runs: RunValueRow[];
  gaps: GapRow[];
  interactions: InteractionRow[];
}

export const pointText = (p: PointOfComparison) => (p.kind === "final" ? "final" : p.kind === "every" ? "every" : p.kind === "step" ? `step:${p.step}` : `window:${p.from}-${p.to}`);

export function traitEffects(experiments: ExperimentStore, job: TraitJob): TraitEffects {
  const out: TraitEffects = { rows: [], runs: [], gaps: [], interactions: [] };
  const scores = experiments.itemScores([{ traitKey: job.trait, steps: job.steps }]).get(job.trait) ?? [];
  // Every step: one comparison per probed step, each over the runs probed at it (matched steps: the same step of
  // every run, as trainers of one experiment save on the same schedule).
  if (job.at.kind === "every") {
    const byStep = new Map<number, ItemScore[]>();
    for (const x of scores) {
      const list = byStep.get(x.step);
      if (list) list.push(x);
      else byStep.set(x.step, [x]);
    }
    for (const step of [...byStep.keys()].sort((p, q) => p - q)) addComparison(out, job, byStep.get(step)!, `step:${step}`);
  } else addComparison(out, job, scores, pointText(job.at));
  return out;
}

/** Each run's item means per context over the chosen steps (over a window, each step counts once per item). */
function itemMeans(scores: ItemScore[]): Map<string, ItemMeans> {
  const acc = new Map<string, Map<string, { sum: number; count: number }>>();
  for (const s of scores) {
    const byItem = acc.get(s.context) ?? new Map<string, { sum: number; count: number }>();
    const a = byItem.get(s.item) ?? { sum: 0, count: 0 };
    a.sum += s.mean;
    a.count++;
    byItem.set(s.item, a);
    acc.set(s.context, byItem);
  }
  return new Map([...acc].map(([ctx, byItem]) => [ctx, new Map([...byItem].map(([item, a]) => [item, a.sum / a.count]))]));
}

/** One comparison of a trait (at one point, or one step of "every"): rows, run values, gaps and interactions. */
function addComparison(out: TraitEffects, job: TraitJob, scores: ItemScore[], at: string): void {
  const { trait, byCondition, control } = job;
  const byRun = new Map<number, ItemScore[]>();
  for (const s of scores) {
    const list = byRun.get(s.runId);
    if (list) list.push(s);
    else byRun.set(s.runId, [s]);
  }
  const conditions: ConditionData[] = job.names.map((name) => ({
    name,
    runs: byCondition.get(name)!.filter((r) => byRun.has(r.id)).map((r) => ({ runId: r.id, contexts: itemMeans(byRun.get(r.id)!) })),
  }));
  const contexts = job.contexts?.length ? job.contexts : [...new Set(scores.map((s) => s.context))].sort();
  const items = [...new Set(scores.map((s) => s.item))].sort();
  if (items.length === 0) return;
  const stats = experimentStatistics(conditions, control, items, contexts, { ...job.bootstrap, gaps: job.gaps, interactions: job.interactions });
  for (const c of stats.cells) {
    out.rows.push({
      condition: c.condition,
      trait,
      context: c.context,
      at,
      seeds: c.seeds,
      items: c.items,
      mean: c.value,
      ciLow: c.ciLow,
      ciHigh: c.ciHigh,
      delta: c.delta?.value ?? null,
      deltaCiLow: c.delta?.ciLow ?? null,
      deltaCiHigh: c.delta?.ciHigh ?? null,
      relative: c.relative,
      note: c.seeds === 1 ? "one seed: the interval covers item sampling only" : c.seeds === 0 ? "no probed run" : null,
    });
  }
  const controlMeans = new Map(stats.cells.filter((x) => x.condition === control).map((x) => [x.context, x.value]));
  for (const c of conditions) {
    const records = new Map(byCondition.get(c.name)!.map((r) => [r.id, r]));
    for (const r of c.runs) {
      const record = records.get(r.runId)!;
      const steps = [...new Set(byRun.get(r.runId)!.map((s) => s.step))].sort((p, q) => p - q);
      for (const ctx of contexts) {
        const m = r.contexts.get(ctx);
        const vals = m ? [...m.values()] : [];
        const value = vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : null;
        const controlMean = controlMeans.get(ctx) ?? null;
        out.runs.push({ runId: r.runId, at, run: record.name, condition: c.name, seed: record.seed, trait, context: ctx, value, delta: value !== null && controlMean !== null ? value - controlMean : null, items: vals.length, steps });
      }
    }
  }
  for (const g of stats.gaps) out.gaps.push({ condition: g.condition, trait, at, gap: `${g.a}:${g.b}`, value: g.value, ciLow: g.ciLow, ciHigh: g.ciHigh });
  for (const i of stats.interactions) {
    const [condition, context] = i.condition.split(" @ ");
    out.interactions.push({ condition: condition!, at, of: i.parts, trait, context: context!, value: i.value, ciLow: i.ciLow, ciHigh: i.ciHigh });
  }
}
