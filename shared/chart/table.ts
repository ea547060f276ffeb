// The numbers a figure plots, as CSV and JSON: one row per point of every drawn series (runs and group means), at
// the store's full precision, so a paper's table and its plot come from the same values.
import type { FigureModel } from "./figureLayout.js";

export interface TableRow {
  panel: string;
  kind: "score" | "metric" | "rollout" | "group-mean";
  /** For rollout rows: which aggregate (mean, rewardCorr, advantageWeighted, rewardShare). */
  measure: string | null;
  series: string;
  run_id: number | null;
  trait: string | null;
  context: string | null;
  metric: string | null;
  step: number | null;
  x: number;
  mean: number | null;
  ci_low: number | null;
  ci_high: number | null;
  n: number | null;
  smoothed: number | null;
}

export const TABLE_COLUMNS: (keyof TableRow)[] = ["panel", "kind", "series", "run_id", "trait", "context", "metric", "measure", "step", "x", "mean", "ci_low", "ci_high", "n", "smoothed"];

export function figureRows(f: FigureModel): TableRow[] {
  const rows: TableRow[] = [];
  for (const p of f.panels) {
    for (const s of p.series) {
      const group = s.key.startsWith("group:");
      const runId = group ? null : Number(s.key.slice("run:".length));
      s.points.forEach((pt, i) => {
        rows.push({
          panel: p.title,
          kind: group ? "group-mean" : p.source.kind,
          series: s.label,
          run_id: runId,
          trait: p.source.kind === "score" || p.source.kind === "rollout" ? p.source.trait : null,
          context: p.source.kind === "score" ? p.source.context : null,
          metric: p.source.kind === "metric" ? p.source.key : null,
          measure: p.source.kind === "rollout" ? p.source.measure : null,
          step: pt.step ?? (group ? pt.x : null),
          x: pt.x,
          mean: pt.y,
          ci_low: p.source.kind !== "metric" ? (pt.lo ?? null) : null,
          ci_high: p.source.kind !== "metric" ? (pt.hi ?? null) : null,
          n: pt.n ?? null,
          smoothed: s.smoothed?.[i] ?? null,
        });
      });
    }
  }
  return rows;
}

/** RFC 4180 quoting: only fields with a comma, quote or line break are quoted. Numbers print in full precision. */
function csvField(v: string | number | null): string {
  if (v === null) return "";
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function figureCsv(f: FigureModel): string {
  const lines = [TABLE_COLUMNS.join(",")];
  for (const r of figureRows(f)) lines.push(TABLE_COLUMNS.map((c) => csvField(r[c])).join(","));
  return lines.join("\r\n") + "\r\n";
}

export function figureJson(f: FigureModel): string {
  return JSON.stringify({ title: f.title, xLabel: f.xLabel, xDomain: f.xDomain, columns: TABLE_COLUMNS, rows: figureRows(f) }, null, 1) + "\n";
}
