// Effects of an experiment from the workspace: which runs make each condition, each run's per-item scores at the
// point of comparison (its final probed checkpoint, the nearest probed to a step, or the mean over a step window),
// then the two-level paired bootstrap of bootstrap.ts per trait.
import { runTraits } from "../probes/runTraits.js";
import type { ItemScore, StepSelection } from "../store/experimentStore.js";
import type { RunRecord } from "../store/runStore.js";
import type { Store } from "../store/store.js";
import { experimentStatistics, type BootstrapOptions, type ConditionData, type ItemMeans } from "./bootstrap.js";

/** final, step:N (nearest probed), window:A-B (mean over it), or every: one comparison per probed step (curves). */
export type PointOfComparison = StepSelection;

export function parsePointOfComparison(text: string): PointOfComparison {
  if (text === "final") return { kind: "final" };
  if (text === "every") return { kind: "every" };
  let m = /^step:(\d+)$/.exec(text);
  if (m) return { kind: "step", step: Number(m[1]) };
  m = /^window:(\d+)-(\d+)$/.exec(text);
  if (m && Number(m[2]) >= Number(m[1])) return { kind: "window", from: Number(m[1]), to: Number(m[2]) };
  throw new Error(`--at expects final, step:N, window:A-B (A <= B) or every, got "${text}"`);
}

export const pointText = (p: PointOfComparison) => (p.kind === "final" ? "final" : p.kind === "every" ? "every" : p.kind === "step" ? `step:${p.step}` : `window:${p.from}-${p.to}`);

export interface EffectsRequest {
  control: string;
  /** The compared conditions (the control is added if missing). */
  conditions: string[];
  traits?: string[];
  contexts?: string[];
  at: PointOfComparison;
  gaps?: [string, string][];
  /** Technique tags per condition: a condition whose tags are the union of two others' gets an interaction. */
  tags?: Record<string, string[]>;
  bootstrap?: BootstrapOptions;
  /** A reference run (the base model before RL), reported as a condition of its own with one seed. */
  reference?: { name: string; runId: number };
}

export interface EffectRow {
  condition: string;
  trait: string;
  context: string;
  at: string;
  seeds: number;
  items: number;
  mean: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  delta: number | null;
  deltaCiLow: number | null;
  deltaCiHigh: number | null;
  /** Δ as a percentage of the control's mean. */
  relative: number | null;
  /** With one seed the interval covers item sampling only; said so in every row it touches. */
  note: string | null;
}

export interface GapRow {
  condition: string;
  trait: string;
  gap: string;
  /** The point of comparison (with --at every, the step). */
  at: string;
  value: number | null;
  ciLow: number | null;
  ciHigh: number | null;
}

export interface InteractionRow {
  condition: string;
  at: string;
  of: [string, string];
  trait: string;
  context: string;
  value: number | null;
  ciLow: number | null;
  ciHigh: number | null;
}

/** One run's value at the point of comparison (the mean over items), for the run table. */
export interface RunValueRow {
  runId: number;
  at: string;
  run: string;
  condition: string;
  seed: number | null;
  trait: string;
  context: string;
  value: number | null;
  /** The run's value minus the control condition's mean. */
  delta: number | null;
  items: number;
}

export interface EffectsResult {
  rows: EffectRow[];
  runs: RunValueRow[];
  gaps: GapRow[];
  interactions: InteractionRow[];
  /** Conditions or runs that had nothing to compare, said once each. */
  notes: string[];
  method: string;
}

export const EFFECTS_METHOD =
  "per condition: mean over seeds of each run's mean over items; 95% percentile interval from a two-level bootstrap (seeds resampled per condition with their deviations scaled by sqrt(n/(n-1)), then items, the item draw shared by every condition and context: paired); Δ and gaps from the same replicates";

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

export function computeEffects(store: Store, req: EffectsRequest): EffectsResult {
  const names = [req.control, ...req.conditions.filter((c) => c !== req.control)];
  const runs = store.runs.listRuns();
  const byCondition = new Map(names.map((n) => [n, runs.filter((r) => r.group === n)]));
  if (req.reference) {
    const ref = runs.find((r) => r.id === req.reference!.runId);
    if (ref) {
      names.push(req.reference.name);
      byCondition.set(req.reference.name, [ref]);
    }
  }
  const notes: string[] = [];
  for (const [n, rs] of byCondition) if (rs.length === 0) notes.push(`no runs in group "${n}"`);
  const allIds = [...byCondition.values()].flat().map((r) => r.id);
  const traits = runTraits(store, allIds)
    .map((t) => t.trait.id)
    .filter((t) => !req.traits?.length || req.traits.includes(t));
  for (const t of req.traits ?? []) if (!traits.includes(t)) notes.push(`no trait "${t}" in these runs' suites`);
  const interactions = Object.entries(req.tags ?? {}).flatMap(([condition, tags]) => {
    const set = new Set(tags);
    const out: { condition: string; parts: [string, string] }[] = [];
    const others = Object.entries(req.tags ?? {}).filter(([c]) => c !== condition && names.includes(c));
    for (const [a, ta] of others) for (const [b, tb] of others) {
      if (a >= b || ta.length === 0 || tb.length === 0) continue;
      const union = new Set([...ta, ...tb]);
      if (ta.some((x) => tb.includes(x)) || union.size !== set.size || ![...union].every((x) => set.has(x))) continue;
      out.push({ condition, parts: [a, b] });
    }
    return names.includes(condition) ? out : [];
  });

  const result: EffectsResult = { rows: [], runs: [], gaps: [], interactions: [], notes, method: EFFECTS_METHOD };
  const scoresOf = store.experiments.itemScores(traits.map((traitKey) => ({ traitKey, steps: store.experiments.comparedSteps(allIds, traitKey, req.at) })));
  for (const trait of traits) {
    const scores = scoresOf.get(trait)!;
    // Every step: one comparison per probed step, each over the runs probed at it (matched steps: the same step of
    // every run, as trainers of one experiment save on the same schedule).
    if (req.at.kind === "every") {
      const byStep = new Map<number, ItemScore[]>();
      for (const x of scores) {
        const list = byStep.get(x.step);
        if (list) list.push(x);
        else byStep.set(x.step, [x]);
      }
      for (const step of [...byStep.keys()].sort((p, q) => p - q)) addComparison(result, trait, byStep.get(step)!, `step:${step}`, names, byCondition, req, interactions);
    } else addComparison(result, trait, scores, pointText(req.at), names, byCondition, req, interactions);
  }
  return result;
}

/** One comparison of a trait (at one point, or one step of "every"): rows, run values, gaps and interactions. */
function addComparison(
  result: EffectsResult,
  trait: string,
  scores: ItemScore[],
  at: string,
  names: string[],
  byCondition: Map<string, RunRecord[]>,
  req: EffectsRequest,
  interactions: { condition: string; parts: [string, string] }[],
): void {
  const byRun = new Map<number, ItemScore[]>();
  for (const s of scores) {
    const list = byRun.get(s.runId);
    if (list) list.push(s);
    else byRun.set(s.runId, [s]);
  }
  const conditions: ConditionData[] = names.map((name) => ({
    name,
    runs: byCondition.get(name)!.filter((r) => byRun.has(r.id)).map((r) => ({ runId: r.id, contexts: itemMeans(byRun.get(r.id)!) })),
  }));
  const contexts = req.contexts?.length ? req.contexts : [...new Set(scores.map((s) => s.context))].sort();
  const items = [...new Set(scores.map((s) => s.item))].sort();
  if (items.length === 0) return;
  const stats = experimentStatistics(conditions, req.control, items, contexts, { ...req.bootstrap, gaps: req.gaps, interactions });
  for (const c of stats.cells) {
    result.rows.push({
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
  for (const c of conditions) {
    for (const r of c.runs) {
      const record = byCondition.get(c.name)!.find((x) => x.id === r.runId)!;
      for (const ctx of contexts) {
        const m = r.contexts.get(ctx);
        const vals = m ? [...m.values()] : [];
        const value = vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : null;
        const controlMean = stats.cells.find((x) => x.condition === req.control && x.context === ctx)?.value ?? null;
        result.runs.push({ runId: r.runId, at, run: record.name, condition: c.name, seed: record.seed, trait, context: ctx, value, delta: value !== null && controlMean !== null ? value - controlMean : null, items: vals.length });
      }
    }
  }
  for (const g of stats.gaps) result.gaps.push({ condition: g.condition, trait, at, gap: `${g.a}:${g.b}`, value: g.value, ciLow: g.ciLow, ciHigh: g.ciHigh });
  for (const i of stats.interactions) {
    const [condition, context] = i.condition.split(" @ ");
    result.interactions.push({ condition: condition!, at, of: i.parts, trait, context: context!, value: i.value, ciLow: i.ciLow, ciHigh: i.ciHigh });
  }
  }
