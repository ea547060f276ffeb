// The mean across the runs of a group (seeds of one configuration) at each step they share, with a 95% band from
// the spread across runs: drawn in the app and in exports from this one definition.
import type { PanelSeries } from "./DriftPanel.js";

export const GROUP_COLOUR = "#555555";

export function groupMeans(runs: readonly { id: number; group: string | null }[], series: PanelSeries[]): PanelSeries[] {
  const byGroup = new Map<string, PanelSeries[]>();
  for (const s of series) {
    const run = runs.find((r) => `run:${r.id}` === s.key);
    if (!run?.group) continue;
    byGroup.set(run.group, [...(byGroup.get(run.group) ?? []), s]);
  }
  const out: PanelSeries[] = [];
  for (const [group, list] of byGroup) {
    if (list.length < 2) continue;
    const steps = [...new Set(list.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
    const byX = list.map((s) => new Map(s.points.map((p) => [p.x, p.y])));
    const points = steps.flatMap((x) => {
      const ys = byX.map((m) => m.get(x)).filter((v): v is number => v !== null && v !== undefined);
      if (ys.length < 2) return [];
      const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
      const sd = Math.sqrt(ys.reduce((a, b) => a + (b - mean) ** 2, 0) / (ys.length - 1));
      const half = (1.96 * sd) / Math.sqrt(ys.length);
      return [{ x, y: mean, lo: mean - half, hi: mean + half }];
    });
    out.push({ key: `group:${group}`, label: `${group} (mean of ${list.length})`, colour: GROUP_COLOUR, points, dashed: true });
  }
  return out;
}
