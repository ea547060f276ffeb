// The drift view's group-mean bands: at each step, the group's seeds as one condition of the experiment statistics
// (bootstrap.ts), so a band across two or three seeds is as wide as the seeds and items justify, and a share's band
// stays inside what its items scored. Read from the per-item scores of every probed step.
import type { GroupBand } from "../../../shared/views.js";
import { runTraits } from "../probes/runTraits.js";
import type { ItemScore } from "../store/experimentStore.js";
import type { Store } from "../store/store.js";
import { experimentStatistics, type RunCell } from "./bootstrap.js";

export const GROUP_BAND_METHOD =
  "group mean: the mean over the group's runs of each run's mean over items; band: 95% percentile interval of a two-level bootstrap (seeds with their deviations scaled by sqrt(n/(n-1)), then items shared by the runs), 2000 replicates, at steps with two or more runs";

export interface GroupBandOptions {
  trait?: string;
  context?: string;
  /** Only these steps (those the drift view's panels show once cut to their pixels); every probed step if absent. */
  steps?: readonly number[];
}

function* bandWork(store: Store, runIds: number[], options: GroupBandOptions): Generator<void, GroupBand[], void> {
  const runs = runIds.map((id) => store.runs.getRun(id)).filter((r) => r !== undefined);
  const groups = new Map<string, number[]>();
  for (const r of runs) if (r.group) groups.set(r.group, [...(groups.get(r.group) ?? []), r.id]);
  const grouped = [...groups].filter(([, ids]) => ids.length >= 2);
  if (grouped.length === 0) return [];
  const ids = grouped.flatMap(([, g]) => g);
  const traits = runTraits(store, ids)
    .filter((t) => !options.trait || t.trait.id === options.trait)
    .map((t) => t.trait.id);
  const out: GroupBand[] = [];
  for (const trait of traits) {
    // Run by run, so the work can pause between runs (below).
    const scores: ItemScore[] = [];
    for (const id of ids) {
      const steps = store.experiments.comparedSteps([id], trait, { kind: "every" }, options.steps);
      for (const s of store.experiments.itemScores([{ traitKey: trait, steps }]).get(trait) ?? []) scores.push(s);
      yield;
    }
    // By step, then run, then context: item means (several samples of an item at a step are already averaged).
    const byStep = new Map<number, Map<number, Map<string, Map<string, number>>>>();
    for (const s of scores) {
      if (options.context && s.context !== options.context) continue;
      const step = byStep.get(s.step) ?? new Map<number, Map<string, Map<string, number>>>();
      const run = step.get(s.runId) ?? new Map<string, Map<string, number>>();
      const ctx = run.get(s.context) ?? new Map<string, number>();
      ctx.set(s.item, s.mean);
      run.set(s.context, ctx);
      step.set(s.runId, run);
      byStep.set(s.step, step);
    }
    for (const [group, members] of grouped) {
      const bands = new Map<string, GroupBand>();
      for (const step of [...byStep.keys()].sort((a, b) => a - b)) {
        const at = byStep.get(step)!;
        const cells: RunCell[] = members.filter((id) => at.has(id)).map((id) => ({ runId: id, contexts: at.get(id)! }));
        if (cells.length < 2) continue;
        const contexts = [...new Set(cells.flatMap((c) => [...c.contexts.keys()]))].sort();
        const items = [...new Set(cells.flatMap((c) => [...c.contexts.values()].flatMap((m) => [...m.keys()])))].sort();
        const { cells: est } = experimentStatistics([{ name: group, runs: cells }], group, items, contexts);
        for (const e of est) {
          if (e.seeds < 2) continue;
          const band = bands.get(e.context) ?? { group, trait, context: e.context, steps: [], seeds: [], ciLow: [], ciHigh: [] };
          band.steps.push(step);
          band.seeds.push(e.seeds);
          band.ciLow.push(e.ciLow);
          band.ciHigh.push(e.ciHigh);
          bands.set(e.context, band);
        }
        yield;
      }
      out.push(...bands.values());
    }
  }
  return out;
}

/** The bands, computed at once (exports, tests). */
export function computeGroupBands(store: Store, runIds: number[], options: GroupBandOptions = {}): GroupBand[] {
  const work = bandWork(store, runIds, options);
  let r = work.next();
  while (!r.done) r = work.next();
  return r.value;
}

/**
 * The bands, computed in slices of about `sliceMs` with the event loop free between them: over a hundred runs the
 * work takes seconds (a read per run and step, a bootstrap per step), and a server computing them in one go would
 * answer nothing else meanwhile (the drift view asks for them right after its first chart).
 */
export async function computeGroupBandsInSlices(store: Store, runIds: number[], options: GroupBandOptions = {}, sliceMs = 15): Promise<GroupBand[]> {
  const work = bandWork(store, runIds, options);
  let sliceStart = performance.now();
  let r = work.next();
  while (!r.done) {
    if (performance.now() - sliceStart > sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
    r = work.next();
  }
  return r.value;
}
