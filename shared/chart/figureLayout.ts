// From a spec and its data to a laid-out figure: which panels, which series (cropped to the range, smoothed, with
// group means), the legend and every position, in points (1/72 in). Pure, so the preview in the app, the app's
// export and the CLI's export all lay out the same figure.
import type { RolloutMeasureName, ScoreSeries } from "../views.js";
import { round2, xExtent, type PanelAnnotation, type PanelSeries } from "./DriftPanel.js";
import type { ExportData, ExportTrait } from "./exportData.js";
import { PRESETS, ROLLOUT_MEASURE_LABELS, type ChartSpec } from "./exportSpec.js";
import { GROUP_COLOUR, groupMeans, panelBands } from "./groupMeans.js";
import { debiasedEma } from "./smoothing.js";

export const PT_PER_IN = 72;

export interface FigurePanel {
  key: string;
  title: string;
  yLabel: string;
  x: number;
  y: number;
  width: number;
  height: number;
  series: PanelSeries[];
  bands: boolean;
  /** What the panel plots, for the CSV/JSON tables. */
  source: { kind: "score"; trait: string; context: string } | { kind: "metric"; key: string } | { kind: "rollout"; trait: string; measure: RolloutMeasureName };
}

export interface LegendEntry {
  label: string;
  colour: string;
  dashed: boolean;
  band: boolean;
  x: number;
  y: number;
}

export interface FigureModel {
  /** Points. */
  width: number;
  height: number;
  /** Inches (exact: a PNG is these times its DPI, a PDF page is this size). */
  widthIn: number;
  heightIn: number;
  fontSize: number;
  lineWidth: number;
  theme: "light" | "dark";
  title: string;
  xLabel: string;
  xDomain: [number, number];
  legend: LegendEntry[];
  panels: FigurePanel[];
  annotations: PanelAnnotation[];
  /** The runs the figure draws (those with data), in the spec's order: its default title and file name. */
  runs: number[];
}

/** A paper figure is at most this tall (a US letter or A4 page's text height): taller, its panels wrap into columns. */
export const PAGE_HEIGHT_IN = 9;

/** The title used when the spec asks for none in particular: the runs drawn (runs with no data are not named). */
export function defaultTitle(data: ExportData, spec: ChartSpec, drawn: readonly number[] = spec.runs): string {
  const names = drawn.map((id) => data.runs.find((r) => r.id === id)?.name ?? `run ${id}`);
  return names.length <= 3 ? names.join(" vs ") : `${names.length} runs`;
}

/** The traits a spec draws, each with the context it draws (traits without the asked-for context are left out). */
export function selectedTraits(data: ExportData, spec: ChartSpec): { trait: ExportTrait; context: string }[] {
  const wanted = spec.traits.length > 0 ? spec.traits.map((k) => data.traits.find((t) => t.trait === k)).filter((t): t is ExportTrait => !!t) : data.traits;
  return wanted.flatMap((t) => {
    const context = spec.context ?? t.contexts[0];
    return context !== undefined && t.contexts.includes(context) ? [{ trait: t, context }] : [];
  });
}

const inRange = (spec: ChartSpec, x: number) => Number.isFinite(x) && (!spec.range || (x >= spec.range[0] && x <= spec.range[1]));

/** The x of each score: its step, or hours since the figure's first checkpoint on a time axis. */
function scorePoints(spec: ChartSpec, s: ScoreSeries, t0: number): PanelSeries["points"] {
  const pts = s.steps.map((step, i) => ({ x: spec.xAxis === "step" ? step : timeX(s.completed?.[i] ?? null, t0), y: s.mean[i] ?? null, lo: s.ciLow[i] ?? null, hi: s.ciHigh[i] ?? null, step, n: s.n?.[i] ?? 0 }));
  return pts.filter((p) => inRange(spec, p.x)).sort((a, b) => a.x - b.x);
}

const timeX = (seconds: number | null, t0: number) => (seconds === null ? NaN : (seconds - t0) / 3600);

/** The earliest time on the figure, the zero of a time axis. */
export function timeOrigin(data: ExportData): number {
  let t0 = Infinity;
  for (const s of data.scores) for (const t of s.completed ?? []) if (t !== null && t < t0) t0 = t;
  for (const m of data.metrics) for (const t of m.wallTime) if (t !== null && t < t0) t0 = t;
  return Number.isFinite(t0) ? t0 : 0;
}

/** `means`: the panel's trait and context when it draws group means (score panels), null for metric panels. */
function runSeries(spec: ChartSpec, data: ExportData, points: (runId: number) => PanelSeries["points"] | null, means: { trait: string; context: string } | null): PanelSeries[] {
  const out: PanelSeries[] = [];
  for (const id of spec.runs) {
    const run = data.runs.find((r) => r.id === id);
    const pts = points(id);
    if (!run || !pts || pts.length === 0) continue;
    out.push({ key: `run:${id}`, label: run.name, colour: run.colour, points: pts, smoothed: spec.smoothing > 0 ? debiasedEma(pts.map((p) => p.y), spec.smoothing) : undefined });
  }
  if (means && spec.groupMeans && spec.xAxis === "step") out.push(...groupMeans(data.runs, out, panelBands(data.groupBands, means.trait, means.context)));
  return out;
}

/** Approximate advance width of a label (DejaVu Sans averages a little under 0.6 em). */
const textWidth = (s: string, fontSize: number) => s.length * fontSize * 0.6;

export function buildFigure(spec: ChartSpec, data: ExportData): FigureModel {
  const preset = PRESETS[spec.preset];
  const fs = preset.fontSize;
  const widthIn = spec.width ?? preset.width;
  const W = widthIn * PT_PER_IN;
  const pad = fs * 0.8;
  const t0 = timeOrigin(data);
  const scoreIndex = new Map(data.scores.map((s) => [`${s.runId}\u0000${s.trait}\u0000${s.context}`, s]));

  const sources: { key: string; title: string; yLabel: string; series: PanelSeries[]; bands: boolean; source: FigurePanel["source"] }[] = [];
  const traits = selectedTraits(data, spec);
  for (const { trait, context } of traits) {
    const series = runSeries(spec, data, (id) => {
      const s = scoreIndex.get(`${id}\u0000${trait.trait}\u0000${context}`);
      return s ? scorePoints(spec, s, t0) : null;
    }, { trait: trait.trait, context });
    const title = trait.contexts.length > 1 || spec.context !== null ? `${trait.name} · ${context}` : trait.name;
    sources.push({ key: `score:${trait.trait}:${context}`, title, yLabel: trait.unit || "score", series, bands: spec.ci, source: { kind: "score", trait: trait.trait, context } });
  }
  for (const key of spec.metrics) {
    const series = runSeries(spec, data, (id) => {
      const m = data.metrics.find((mm) => mm.runId === id && mm.key === key);
      if (!m) return null;
      return m.steps.map((step, i) => ({ x: spec.xAxis === "step" ? step : timeX(m.wallTime[i] ?? null, t0), y: m.values[i] ?? null, step })).filter((p) => inRange(spec, p.x));
    }, null);
    sources.push({ key: `metric:${key}`, title: key, yLabel: key, series, bands: false, source: { kind: "metric", key } });
  }
  // Rollout panels: the trait in what the policy sampled during RL, per training step, drawn dashed.
  if (spec.xAxis === "step") {
    for (const measure of spec.rollouts ?? []) {
      for (const { trait } of traits.filter((t, i, all) => all.findIndex((x) => x.trait.trait === t.trait.trait) === i)) {
        const series = runSeries(spec, data, (id) => {
          const pts = (data.rollouts ?? []).filter((r) => r.runId === id && r.trait === trait.trait).sort((a, b) => a.step - b.step);
          if (pts.length === 0) return null;
          const withCi = measure === "mean" || measure === "rewardCorr";
          return pts
            .map((r) => ({ x: r.step, y: r[measure], step: r.step, n: r.n, lo: withCi ? (measure === "mean" ? r.ciLow : r.corrLow) : null, hi: withCi ? (measure === "mean" ? r.ciHigh : r.corrHigh) : null }))
            .filter((p) => inRange(spec, p.x));
        }, null).map((s) => ({ ...s, key: s.key, label: `${s.label} · rollouts`, dashed: true }));
        if (series.length === 0) continue;
        sources.push({ key: `rollout:${trait.trait}:${measure}`, title: `${trait.name} · rollouts`, yLabel: ROLLOUT_MEASURE_LABELS[measure], series, bands: spec.ci && (measure === "mean" || measure === "rewardCorr"), source: { kind: "rollout", trait: trait.trait, measure } });
      }
    }
  }

  // Legend: every run drawn, then the group means, then what the shading means.
  const entries: Omit<LegendEntry, "x" | "y">[] = [];
  const drawn = new Set(sources.flatMap((s) => s.series.map((x) => x.key)));
  for (const id of spec.runs) {
    const run = data.runs.find((r) => r.id === id);
    if (run && drawn.has(`run:${id}`)) entries.push({ label: run.name, colour: run.colour, dashed: false, band: false });
  }
  for (const key of drawn) {
    if (!key.startsWith("group:")) continue;
    const s = sources.flatMap((x) => x.series).find((x) => x.key === key)!;
    entries.push({ label: s.label, colour: s.colour, dashed: true, band: false });
  }
  if (spec.ci && traits.length > 0) entries.push({ label: "95% CI", colour: GROUP_COLOUR, dashed: false, band: true });

  const drawnRuns = spec.runs.filter((id) => sources.some((src) => src.series.some((x) => x.key === `run:${id}`)));
  // A long title is shortened to the figure's width (with an ellipsis), never clipped at its edge.
  const title = fitWidth(spec.title ?? defaultTitle(data, spec, drawnRuns), W - 2 * pad, fs * 1.3);
  let y = pad;
  if (title) y += fs * 1.5;
  const legend: LegendEntry[] = [];
  const rowH = fs * 1.5;
  let lx = pad;
  if (entries.length > 0) y += fs * 0.4;
  for (const e of entries) {
    const w = fs * 2.6 + textWidth(e.label, fs) + fs * 1.2;
    if (lx > pad && lx + w > W - pad) {
      lx = pad;
      y += rowH;
    }
    legend.push({ ...e, x: round2(lx), y: round2(y + fs) });
    lx += w;
  }
  if (entries.length > 0) y += rowH;

  const fixedHeight = spec.height ?? preset.height;
  let columns = Math.max(1, Math.min(preset.columns, sources.length));
  const panelHeight = (cols: number) => ((W - 2 * pad) / cols) * preset.aspect;
  const tall = (cols: number) => y + Math.ceil(sources.length / cols) * panelHeight(cols) + pad > PAGE_HEIGHT_IN * PT_PER_IN;
  // A paper figure no taller than a page: its panels wrap into more columns while that is too tall (a panel at
  // least 1.6 in wide), then they are made shorter to fit.
  const paper = spec.preset === "paper1" || spec.preset === "paper2";
  while (paper && fixedHeight === null && tall(columns) && columns < sources.length && (W - 2 * pad) / (columns + 1) >= 1.6 * PT_PER_IN) columns++;
  const rows = Math.max(1, Math.ceil(sources.length / columns));
  const pw = (W - 2 * pad) / columns;
  const fitted = paper && tall(columns) ? Math.max(fs * 8, (PAGE_HEIGHT_IN * PT_PER_IN - y - pad) / rows) : pw * preset.aspect;
  const ph = fixedHeight !== null ? Math.max(fs * 8, (fixedHeight * PT_PER_IN - y - pad) / rows) : fitted;
  const panels: FigurePanel[] = sources.map((s, i) => ({ ...s, x: round2(pad + (i % columns) * pw), y: round2(y + Math.floor(i / columns) * ph), width: round2(pw), height: round2(ph) }));
  const heightIn = fixedHeight ?? Math.ceil(y + rows * ph + pad) / PT_PER_IN;

  const xDomain: [number, number] = spec.range ?? xExtent(panels.map((p) => p.series));

  const annotations: PanelAnnotation[] =
    spec.annotations && spec.xAxis === "step"
      ? data.annotations
          .filter((a) => spec.runs.includes(a.runId))
          .map((a) => ({ id: a.id, x: a.step, to: a.to, text: a.text, colour: a.color ?? data.runs.find((r) => r.id === a.runId)?.colour ?? GROUP_COLOUR, runId: a.runId }))
      : [];

  return {
    width: round2(W),
    height: round2(heightIn * PT_PER_IN),
    widthIn,
    heightIn,
    fontSize: fs,
    lineWidth: preset.lineWidth,
    theme: spec.theme,
    title,
    xLabel: spec.xAxis === "step" ? "RL step" : "hours since the first checkpoint",
    xDomain,
    legend,
    panels,
    annotations,
    runs: drawnRuns,
  };
}

/** Shortens text with an ellipsis to fit a width (advance widths estimated as textWidth does). */
export function fitWidth(text: string, room: number, fontSize: number): string {
  const max = Math.max(3, Math.floor(room / (fontSize * 0.6)));
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
