import type { RolloutMeasureName } from "../views.js";

// What an export draws, as plain serialisable data: the app's Export dialog and `driftscope export` both build one
// of these, and everything after it (data, figure, files) is the same code, so the same spec gives the same bytes.

export const EXPORT_FORMATS = ["svg", "png", "pdf", "csv", "json"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const PRESET_IDS = ["paper1", "paper2", "slide", "screen"] as const;
export type PresetId = (typeof PRESET_IDS)[number];

export interface Preset {
  label: string;
  /** Figure width in inches. */
  width: number;
  /** Fixed figure height in inches (slides); otherwise the height follows the panels. */
  height: number | null;
  /** Panels per row at most. */
  columns: number;
  /** Panel height as a fraction of its width, where the height is not fixed. */
  aspect: number;
  /** Base font size in points: tick labels; titles are a little larger. */
  fontSize: number;
  /** A run's line width in points. */
  lineWidth: number;
  /** The resolution a PNG gets unless one is asked for. */
  dpi: number;
}

// Sizes follow common venues: a single column of a two-column paper is about 3.3–3.5 in, a full text width about
// 7 in; 7 pt is the smallest size most style guides accept in figures. Slides are 16:9 at 13.33 x 7.5 in.
export const PRESETS: Record<PresetId, Preset> = {
  paper1: { label: "Paper, single column (3.5 in)", width: 3.5, height: null, columns: 1, aspect: 0.62, fontSize: 7, lineWidth: 1, dpi: 300 },
  paper2: { label: "Paper, double column (7 in)", width: 7, height: null, columns: 3, aspect: 0.7, fontSize: 7, lineWidth: 1, dpi: 300 },
  slide: { label: "Slide (16:9)", width: 13.333, height: 7.5, columns: 3, aspect: 0.6, fontSize: 14, lineWidth: 2.2, dpi: 144 },
  screen: { label: "Screen", width: 12.5, height: null, columns: 3, aspect: 0.55, fontSize: 9, lineWidth: 1.4, dpi: 96 },
};

export interface ChartSpec {
  /** Run ids, in legend order. */
  runs: number[];
  /** Trait keys; empty means every trait the runs were probed for. */
  traits: string[];
  /** The eval context; null means each trait's first context. */
  context: string | null;
  /** Training-metric keys drawn as extra panels. */
  metrics: string[];
  xAxis: "step" | "time";
  /** Only this x range (steps, or hours since the first checkpoint on a time axis); null for everything. */
  range: [number, number] | null;
  /** Debiased EMA weight (0 = none); the raw points stay drawn. */
  smoothing: number;
  ci: boolean;
  annotations: boolean;
  /** A mean line with a band across the runs of each group (seeds). */
  groupMeans: boolean;
  theme: "light" | "dark";
  preset: PresetId;
  /** Inches; null takes the preset's. */
  width: number | null;
  height: number | null;
  /** PNG resolution; null takes the preset's. */
  dpi: number | null;
  /** null derives a title from the runs; "" draws none. */
  title: string | null;
  /** Rollout panels (what the policy sampled during RL), one per trait and measure; absent or empty for none. */
  rollouts?: RolloutMeasureName[];
}

/** How a rollout measure is named in titles and axis labels. */
export const ROLLOUT_MEASURE_LABELS: Record<RolloutMeasureName, string> = {
  mean: "prevalence",
  rewardCorr: "ρ with reward",
  advantageWeighted: "advantage-weighted",
  rewardShare: "reward share",
};

export function defaultSpec(runs: number[]): ChartSpec {
  return { runs, traits: [], context: null, metrics: [], xAxis: "step", range: null, smoothing: 0, ci: true, annotations: true, groupMeans: true, theme: "light", preset: "paper2", width: null, height: null, dpi: null, title: null };
}

export function exportDpi(spec: Pick<ChartSpec, "dpi" | "preset">): number {
  return spec.dpi ?? PRESETS[spec.preset].dpi;
}

/** The format a file name asks for, from its extension. */
export function formatFromFileName(name: string): ExportFormat | null {
  const ext = /\.([A-Za-z]+)$/.exec(name)?.[1]?.toLowerCase();
  return EXPORT_FORMATS.find((f) => f === ext) ?? null;
}

export const MIME_TYPES: Record<ExportFormat, string> = {
  svg: "image/svg+xml",
  png: "image/png",
  pdf: "application/pdf",
  csv: "text/csv",
  json: "application/json",
};

/**
 * Where the manifest of an export goes: beside it, as NAME.EXT.manifest.json, so the SVG, PDF and PNG of one figure
 * each keep their own (one NAME.manifest.json was shared, and overwritten, by every format).
 */
export function manifestFileName(fileName: string): string {
  return `${fileName}.manifest.json`;
}

/** A file name from the run names, safe on every platform. */
export function defaultExportFileName(runNames: string[], format: ExportFormat): string {
  const base = runNames.join("_vs_").replace(/[^\w.-]+/g, "-").slice(0, 120) || "driftscope";
  return `${base}.${format}`;
}
