// The mean across the runs of a group (seeds of one configuration) at each step they share, with the 95% band the
// core computes by the experiment statistics' two-level bootstrap (GroupBand): drawn in the app and in exports from
// this one definition. A mean ± 1.96·SD/√n band across two or three seeds is far too narrow (and leaves a share's
// range), so without a bootstrap band for a step (no per-item scores) the mean is drawn with no band at all.
import type { GroupBand } from "../views.js";
import type { PanelSeries } from "./DriftPanel.js";

export const GROUP_COLOUR = "#555555";

/** The bands of one panel's trait and context, by group. */
export function panelBands(bands: readonly GroupBand[] | undefined, trait: string, context: string): Map<string, GroupBand> {
  return new Map((bands ?? []).filter((b) => b.trait === trait && b.context === context).map((b) => [b.group, b]));
}

export function groupMeans(runs: readonly { id: number; group: string | null }[], series: PanelSeries[], bands: ReadonlyMap<string, GroupBand> = new Map()): PanelSeries[] {
  const groupOf = new Map(runs.map((r) => [`run:${r.id}`, r.group]));
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
    const points = alignedSteps(list) ? meansByIndex(list) : meansByStep(list);
    const band = bands.get(group);
    const at = new Map(band?.steps.map((step, i) => [step, i]) ?? []);
    for (const p of points) {
      const i = at.get(p.x);
      p.lo = i === undefined ? null : band!.ciLow[i]!;
      p.hi = i === undefined ? null : band!.ciHigh[i]!;
    }
    out.push({ key: `group:${group}`, label: `${group} (mean of ${list.length})`, colour: GROUP_COLOUR, points, dashed: true });
  }
  return out;
}

/** The mean of a step's values, where two or more runs have one. */
function meanPoint(x: number, ys: number[], n: number): PanelSeries["points"][number] | null {
  if (n < 2) return null;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += ys[i]!;
  return { x, y: sum / n, lo: null, hi: null };
}

// Seeds of one configuration are usually probed at the same steps: then values are read by index, with plain loops
// and one scratch array (this runs for every panel on every load, often before the JIT has warmed up); otherwise
// they are gathered by step in a map.
function alignedSteps(list: PanelSeries[]): boolean {
  const first = list[0]!.points;
  for (const s of list) {
    if (s.points.length !== first.length) return false;
    for (let i = 0; i < first.length; i++) if (s.points[i]!.x !== first[i]!.x) return false;
  }
  return true;
}

function meansByIndex(list: PanelSeries[]): PanelSeries["points"] {
  const first = list[0]!.points;
  const ys = new Array<number>(list.length);
  const out: PanelSeries["points"] = [];
  for (let i = 0; i < first.length; i++) {
    let n = 0;
    for (let k = 0; k < list.length; k++) {
      const y = list[k]!.points[i]!.y;
      if (y !== null) ys[n++] = y;
    }
    const p = meanPoint(first[i]!.x, ys, n);
    if (p) out.push(p);
  }
  return out;
}

function meansByStep(list: PanelSeries[]): PanelSeries["points"] {
  const at = new Map<number, number[]>();
  for (const s of list) {
    for (const p of s.points) {
      if (p.y === null) continue;
      const ys = at.get(p.x);
      if (ys) ys.push(p.y);
      else at.set(p.x, [p.y]);
    }
  }
  const out: PanelSeries["points"] = [];
  for (const x of [...at.keys()].sort((a, b) => a - b)) {
    const ys = at.get(x)!;
    const p = meanPoint(x, ys, ys.length);
    if (p) out.push(p);
  }
  return out;
}
