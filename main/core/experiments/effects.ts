// Effects of an experiment from the workspace: which runs make each condition, each run's per-item scores at the
// point of comparison (its final probed checkpoint, the nearest probed to a step, or the mean over a step window),
// then the two-level paired bootstrap of bootstrap.ts per trait.
import { runTraits } from "../probes/runTraits.js";
import type { StepSelection } from "../store/experimentStore.js";
import type { Store } from "../store/store.js";
import type { BootstrapOptions } from "./bootstrap.js";
import type { EffectsPool } from "./effectsPool.js";
import { traitEffects, type TraitJob } from "./traitEffects.js";

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

export { pointText } from "./traitEffects.js";

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
  /** The probed steps the value is over (one for final and step:N, those in the window for window:A-B). */
  steps: number[];
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

/**
 * The effects of an experiment. Each trait is one job (its scores and bootstrap); with a pool the jobs run on
 * statistics workers in parallel, and without one (or when the pool judges the work too small to be worth it) here,
 * one after another. The rows are the same either way, in the same order: by trait, as the suites list them.
 */
export async function computeEffects(store: Store, req: EffectsRequest, pool?: EffectsPool): Promise<EffectsResult> {
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
  pool?.warm(allIds.length, req.bootstrap?.replicates);
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

  const jobs: TraitJob[] = traits.map((trait) => ({
    trait,
    steps: store.experiments.comparedSteps(allIds, trait, req.at),
    at: req.at,
    names,
    byCondition,
    control: req.control,
    contexts: req.contexts,
    gaps: req.gaps,
    interactions,
    bootstrap: req.bootstrap,
  }));
  const parts = pool?.worthIt(jobs) ? await pool.run(store, jobs) : jobs.map((job) => traitEffects(store.experiments, job));
  return {
    rows: parts.flatMap((p) => p.rows),
    runs: parts.flatMap((p) => p.runs),
    gaps: parts.flatMap((p) => p.gaps),
    interactions: parts.flatMap((p) => p.interactions),
    notes,
    method: EFFECTS_METHOD,
  };
}
