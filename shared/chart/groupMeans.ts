// The mean across the runs of a group (seeds of one configuration) at each step they share, with the 95% band the
// core computes by the experiment statistics' two-level bootstrap (GroupBand): drawn in the app and in exports from
// this one definition. A mean ± 1.96·SD/√n band across two or three seeds is far too narrow (and leaves a share's
// range), so without a bootstrap band for a step (no per-item scores) the mean is drawn with no band at all.
import type { GroupBand } from "../views.js";
import type { PanelSeries } from "./DriftPanel.js";

/** A group's mean when its hue is not known (and the CI swatch of legends). */
export const GROUP_COLOUR = "#555555";

/** The bands of one panel's trait and context, by group. */
export function panelBands(bands: readonly GroupBand[] | undefined, trait: string, context: string): Map<string, GroupBand> {
  return new Map((bands ?? []).filter((b) => b.trait === trait && b.context === context).map((b) => [b.group, b]));
}

export function groupMeans(runs: readonly { id: number; group: string | null; groupColour?: string | null }[], series: PanelSeries[], bands: ReadonlyMap<string, GroupBand> = new Map()): PanelSeries[] {
  const groupOf = new Map(runs.map((r) => [`run:${r.id}`, r.group]));
  const hue = new Map(runs.map((r) => [r.group, r.groupColour ?? GROUP_COLOUR]));
  const byGroup = new Map<string, PanelSeries[]>();
  for (const s of series) {
    const group = groupOf.get(s.key);
    if (!group) continue;
    const list = byGroup.get(group);
    if (list) list.push(s);
    else byGroup.set(group, [s]);
  }
  const out: PanelSeries[] = [];
  for (const [group, list] of byGroup) {
    if (list.length < 2) continue;
    const m = meanAcrossRuns(list.map((s) => ({ steps: s.points.map((p) => p.x), values: s.points.map((p) => p.y) })));
    out.push(groupMeanPanel(group, list.length, m.steps, m.mean, bands.get(group), hue.get(group)));
  }
  return out;
}

/** A group's mean as a panel series, with its bootstrap band where the core computed one for the step. */
export function groupMeanPanel(group: string, runs: number, steps: readonly number[], mean: readonly (number | null)[], band: GroupBand | undefined, colour = GROUP_COLOUR): PanelSeries {
  const at = new Map(band?.steps.map((step, i) => [step, i]) ?? []);
  const points: PanelSeries["points"] = steps.map((x, k) => {
    const i = at.get(x);
    return { x, y: mean[k] ?? null, lo: i === undefined ? null : band!.ciLow[i]!, hi: i === undefined ? null : band!.ciHigh[i]! };
  });
  return { key: `group:${group}`, label: `${group} (mean of ${runs})`, colour, points, dashed: true, mean: true };
}

/** A series as columns: steps ascending, a value per step; null or NaN (typed columns) where it has none. */
export interface StepColumns {
  steps: ArrayLike<number>;
  values: ArrayLike<number | null>;
}

/** The mean across runs at each step where two or more runs have a value: the one definition of a group mean,
 * used by the core (before it reduces series per pixel) and by exports. */
export function meanAcrossRuns(list: readonly StepColumns[]): { steps: number[]; mean: number[] } {
  if (!aligned(list)) return meansByStep(list);
  const m = meanColumnsByIndex(list);
  return { steps: Array.from(m.steps), mean: Array.from(m.mean) };
}

/** meanAcrossRuns as typed columns, for the core's drift series: there a 10-run view of 10,000-checkpoint runs built
 * 19 MB of growing arrays per answer for the group means alone. */
export function meanColumnsAcrossRuns(list: readonly StepColumns[]): { steps: Float64Array; mean: Float64Array } {
  if (aligned(list)) return meanColumnsByIndex(list);
  const m = meansByStep(list);
  return { steps: Float64Array.from(m.steps), mean: Float64Array.from(m.mean) };
}

// Seeds of one configuration are usually probed at the same steps: then values are read by index, with plain loops
// (this runs for every panel on every load, often before the JIT has warmed up); otherwise they are gathered by
// step in a map.
function aligned(list: readonly StepColumns[]): boolean {
  const first = list[0]!.steps;
  for (const s of list) {
    if (s.steps.length !== first.length) return false;
    for (let i = 0; i < first.length; i++) if (s.steps[i] !== first[i]) return false;
  }
  return true;
}

function meanColumnsByIndex(list: readonly StepColumns[]): { steps: Float64Array; mean: Float64Array } {
  const first = list[0]!.steps;
  const steps = new Float64Array(first.length);
  const mean = new Float64Array(first.length);
  let kept = 0;
  for (let i = 0; i < first.length; i++) {
    let n = 0;
    let sum = 0;
    for (let k = 0; k < list.length; k++) {
      const y = list[k]!.values[i];
      if (y !== null && y !== undefined && y === y) {
        sum += y;
        n++;
      }
    }
    if (n < 2) continue;
    steps[kept] = first[i]!;
    mean[kept] = sum / n;
    kept++;
  }
  return { steps: steps.subarray(0, kept), mean: mean.subarray(0, kept) };
}

function meansByStep(list: readonly StepColumns[]): { steps: number[]; mean: number[] } {
  const at = new Map<number, { sum: number; n: number }>();
  for (const s of list) {
    for (let i = 0; i < s.steps.length; i++) {
      const y = s.values[i];
      if (y === null || y === undefined || y !== y) continue;
      const acc = at.get(s.steps[i]!);
      if (acc) {
        acc.sum += y;
        acc.n++;
      } else at.set(s.steps[i]!, { sum: y, n: 1 });
    }
  }
  const steps: number[] = [];
  const mean: number[] = [];
  for (const x of [...at.keys()].sort((a, b) => a - b)) {
    const { sum, n } = at.get(x)!;
    if (n < 2) continue;
    steps.push(x);
    mean.push(sum / n);
  }
  return { steps, mean };
}
