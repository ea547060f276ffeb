// What the app is showing, as the URL's fragment: the tab, the drift view's choices (layout, context, x axis,
// smoothing, bands, metrics, zoom, rollout panels) and the open checkpoint, so a view survives a reload, tab switches
// and the browser's back and forward, and can be sent as a link. The fragment is used (not the query) because the
// query carries serve mode's token and a fragment never reaches the server. Only what differs from the defaults is
// written; anything unreadable falls back to its default rather than failing the page.
import type { XAxis } from "./chart/timeAxis.js";

export const TABS = ["drift", "rollouts", "experiment", "checkpoint", "queue", "alerts", "settings"] as const;
export type Tab = (typeof TABS)[number];
export const LAYOUTS = ["multiples", "overlay", "contexts"] as const;
export type Layout = (typeof LAYOUTS)[number];

export interface DriftState {
  layout: Layout;
  /** The eval context shown (null: the first the traits have). */
  context: string | null;
  xAxis: XAxis;
  smoothing: number;
  bands: boolean;
  metrics: string[];
  zoom: [number, number] | null;
  rollouts: boolean;
  rolloutMeasure: string;
  /** The trait panels' y range: fitted to the data, or a fixed share or 0-100 scale (panels then compare directly). */
  yRange: YRange;
  /** Only each group's mean (with its band), not its runs: conditions compared at a glance. */
  groupsOnly: boolean;
  /** The bounds of a custom y range (yRange "custom"). */
  yCustom: [number, number] | null;
  /** The training-metric panels' y scale. */
  metricScale: "linear" | "log";
  /** Each run's largest step-to-step change marked. */
  changes: boolean;
}

export const Y_RANGES = ["auto", "0-1", "0-100", "custom"] as const;
export type YRange = (typeof Y_RANGES)[number];

export interface CheckpointFocus {
  runId: number;
  step: number;
  trait?: string;
  context?: string;
}

export interface ViewState {
  tab: Tab;
  drift: DriftState;
  checkpoint: CheckpointFocus | null;
}

/** The context the drift view opens on when its state names none: the neutral one ("none") every trait has unless its
 * suite names others. The core reads these series while the page loads (Core.warmUp). */
export const OPENING_CONTEXT = "none";

export const DEFAULT_DRIFT: DriftState = { layout: "multiples", context: null, xAxis: "step", smoothing: 0, bands: true, metrics: ["reward", "kl"], zoom: null, rollouts: true, rolloutMeasure: "mean", yRange: "auto", groupsOnly: false, yCustom: null, metricScale: "linear", changes: false };

const num = (v: string | null): number | null => (v === null || v.trim() === "" || !Number.isFinite(Number(v)) ? null : Number(v));

export function parseViewState(fragment: string): ViewState {
  const text = fragment.startsWith("#") ? fragment.slice(1) : fragment;
  const q = text.indexOf("?");
  const tabText = q < 0 ? text : text.slice(0, q);
  const p = new URLSearchParams(q < 0 ? "" : text.slice(q + 1));
  const d = DEFAULT_DRIFT;
  const layout = p.get("layout");
  const smoothing = num(p.get("smooth"));
  const bounds = (p.get("zoom") ?? "").split("~").map((v) => num(v));
  const zoom: [number, number] | null = bounds.length === 2 && bounds[0] != null && bounds[1] != null && bounds[0] < bounds[1] ? [bounds[0], bounds[1]] : null;
  const yBounds = (p.get("ycustom") ?? "").split("~").map((v) => num(v));
  const yCustom: [number, number] | null = yBounds.length === 2 && yBounds[0] != null && yBounds[1] != null && yBounds[0] < yBounds[1] ? [yBounds[0], yBounds[1]] : null;
  const run = num(p.get("run"));
  const step = num(p.get("step"));
  const checkpoint: CheckpointFocus | null =
    run !== null && step !== null && Number.isInteger(run) && run > 0 && Number.isInteger(step) && step >= 0
      ? { runId: run, step, ...(p.get("trait") ? { trait: p.get("trait")! } : {}), ...(p.get("context") ? { context: p.get("context")! } : {}) }
      : null;
  let tab: Tab = (TABS as readonly string[]).includes(tabText) ? (tabText as Tab) : "drift";
  if (tab === "checkpoint" && !checkpoint) tab = "drift";
  return {
    tab,
    checkpoint,
    drift: {
      layout: (LAYOUTS as readonly string[]).includes(layout ?? "") ? (layout as Layout) : d.layout,
      context: p.get("ctx") || d.context,
      xAxis: p.get("x") === "time" || p.get("x") === "elapsed" ? (p.get("x") as XAxis) : d.xAxis,
      smoothing: smoothing !== null && smoothing >= 0 && smoothing < 1 ? smoothing : d.smoothing,
      bands: p.get("bands") === "0" ? false : d.bands,
      metrics: p.has("metrics") ? p.get("metrics")!.split(",").filter(Boolean) : d.metrics,
      zoom: zoom ?? d.zoom,
      rollouts: p.get("rollouts") === "0" ? false : d.rollouts,
      rolloutMeasure: p.get("measure") || d.rolloutMeasure,
      // A custom range without readable bounds is no range: fitted to the data.
      yRange: (Y_RANGES as readonly string[]).includes(p.get("y") ?? "") && (p.get("y") !== "custom" || yCustom) ? (p.get("y") as YRange) : d.yRange,
      groupsOnly: p.get("groups") === "1",
      yCustom: p.get("y") === "custom" ? yCustom : null,
      metricScale: p.get("mscale") === "log" ? "log" : "linear",
      changes: p.get("changes") === "1",
    },
  };
}

/** The fragment for a view ("#drift?layout=overlay&smooth=0.6"); defaults are left out. */
export function formatViewState(v: ViewState): string {
  const p = new URLSearchParams();
  const d = v.drift;
  if (d.layout !== DEFAULT_DRIFT.layout) p.set("layout", d.layout);
  if (d.context) p.set("ctx", d.context);
  if (d.xAxis !== DEFAULT_DRIFT.xAxis) p.set("x", d.xAxis);
  if (d.smoothing !== DEFAULT_DRIFT.smoothing) p.set("smooth", String(d.smoothing));
  if (!d.bands) p.set("bands", "0");
  if (d.metrics.join(",") !== DEFAULT_DRIFT.metrics.join(",")) p.set("metrics", d.metrics.join(","));
  // Zoom bounds to 8 significant digits, more than a chart can resolve.
  if (d.zoom) p.set("zoom", d.zoom.map((z) => String(Number(z.toPrecision(8)))).join("~"));
  if (!d.rollouts) p.set("rollouts", "0");
  if (d.rolloutMeasure !== DEFAULT_DRIFT.rolloutMeasure) p.set("measure", d.rolloutMeasure);
  if (d.yRange !== DEFAULT_DRIFT.yRange) p.set("y", d.yRange);
  if (d.groupsOnly) p.set("groups", "1");
  if (d.yRange === "custom" && d.yCustom) p.set("ycustom", d.yCustom.map((z) => String(Number(z.toPrecision(8)))).join("~"));
  if (d.metricScale === "log") p.set("mscale", "log");
  if (d.changes) p.set("changes", "1");
  if (v.checkpoint) {
    p.set("run", String(v.checkpoint.runId));
    p.set("step", String(v.checkpoint.step));
    if (v.checkpoint.trait) p.set("trait", v.checkpoint.trait);
    if (v.checkpoint.context) p.set("context", v.checkpoint.context);
  }
  const query = p.toString();
  return `#${v.tab}${query ? `?${query}` : ""}`;
}
