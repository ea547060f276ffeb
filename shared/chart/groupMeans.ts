// The mean across the runs of a group (seeds of one configuration) at each step they share, with a 95% band from
// the spread across runs: drawn in the app and in exports from this one definition.
import type { PanelSeries } from "./DriftPanel.js";

export const GROUP_COLOUR = "#555555";

export function groupMeans(runs: readonly { id: number; group: string | null }[], series: PanelSeries[]): PanelSeries[] {
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
    out.push({ key: `group:${group}`, label: `${group} (mean of ${list.length})`, colour: GROUP_COLOUR, points, dashed: true });
  }
  return out;
}

/** The mean and its 95% band from a step's values (two passes: exact where a running sum of squares cancels). */
function meanPoint(x: number, ys: number[], n: number): PanelSeries["points"][number] | null {
  if (n < 2) return null;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += ys[i]!;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (ys[i]! - mean) ** 2;
  const half = (1.96 * Math.sqrt(ss / (n - 1))) / Math.sqrt(n);
  return { x, y: mean, lo: mean - half, hi: mean + half };
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
