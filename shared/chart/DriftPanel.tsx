// One chart panel: a trait's score (or a training metric) across steps, a line per run with its CI band, annotations
// as markers and shaded ranges. d3 computes scales, paths and ticks; React renders the SVG. No browser-only APIs, so
// the same component renders in the app and to an SVG string for export.
import { area, line, scaleLinear, scaleTime, type ScaleLinear } from "d3";
import { bandSegments, columnar, countInRange, decimateRange, seriesBand, seriesColumnar, visibleRange, type BandPoint, type SeriesColumns, type XY } from "./decimate.js";
import { dashOf, largestChange, markerIndices, markerPath, type MarkerShape } from "./seriesStyle.js";

/** Coordinates keep two decimals: a hundredth of a pixel or point is below what any output can show. */
export const round2 = (v: number) => Math.round(v * 100) / 100;

export interface PanelSeries {
  key: string;
  label: string;
  colour: string;
  /** `step` and `n` ride along for exported tables (x may be a time). */
  points: { x: number; y: number | null; lo?: number | null; hi?: number | null; step?: number; n?: number }[];
  /** The same points as typed columns, when whoever made the series has them: drawing, extents and tooltips use
   * these and never touch `points` (which may then be built on first use). */
  columns?: SeriesColumns;
  /** Smoothed values drawn over the raw points, which stay visible. */
  smoothed?: (number | null)[];
  dashed?: boolean;
  /** A dash pattern in multiples of the line width (the overlay's traits); wins over `dashed`. */
  dash?: readonly number[];
  /** Markers along the line (the overlay's traits), and a label at its last point. */
  marker?: MarkerShape;
  endLabel?: string;
  /** A group's mean: drawn heavier than the runs it averages. */
  mean?: boolean;
}

export interface PanelAnnotation {
  id: number;
  x: number;
  to: number | null;
  text: string;
  colour: string;
  /** The run it belongs to: drawn only in panels that draw that run. */
  runId?: number;
}

export interface PanelProps {
  title: string;
  unit?: string;
  width: number;
  height: number;
  series: PanelSeries[];
  annotations?: PanelAnnotation[];
  xDomain: [number, number];
  yDomain?: [number, number];
  showBands?: boolean;
  xLabel?: string;
  /** x is seconds since the epoch (a wall-time axis): ticks fall on calendar boundaries and read as dates and times. */
  xTime?: boolean;
  /** Highlighted x (hover crosshair), drawn by the interactive layer's state. */
  crosshairX?: number | null;
  theme?: "light" | "dark";
  /** Base font size in user units; margins scale with it (export presets set it per paper size). */
  fontSize?: number;
  /** Line width of a run's series in user units. */
  lineWidth?: number;
  /** A y-axis label drawn rotated beside the axis (exports; the app shows the unit in the title). */
  yLabel?: string;
  /** Position inside a larger figure: the panel becomes a nested <svg> at (x, y). */
  at?: { x: number; y: number };
  /** Prefix making clip-path ids unique when several panels share one document. */
  idPrefix?: string;
  /**
   * "svg" draws grid, CI bands and lines here (exports); "canvas" leaves them to a canvas layer under this SVG
   * (the app, where building path strings for hundreds of long series is the slow part), drawing the rest.
   */
  seriesLayer?: "svg" | "canvas";
  /** y values are log10 of the quantity (a log scale): ticks fall on powers of ten and read as the quantity. */
  yLog?: boolean;
  /** Marks each run's largest step-to-step change with a ring and its size. */
  changeMarkers?: boolean;
}

export interface Margins {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/** Margins around the plot area, proportional to the font size so tick labels fit at every export size. */
export function panelMargins(fontSize = 10, yLabel = false): Margins {
  return { top: round2(fontSize * 2.2), right: round2(fontSize * 1.2), bottom: round2(fontSize * 2.8), left: round2(fontSize * (yLabel ? 6 : 4.6)) };
}

export const MARGIN = panelMargins();

/** Fill opacities of CI bands and annotated ranges (tests look for them in PDFs, where they become graphics states). */
export const BAND_OPACITY = 0.15;
export const RANGE_OPACITY = 0.12;

export function panelScales(p: Pick<PanelProps, "width" | "height" | "xDomain" | "yDomain" | "series" | "fontSize" | "yLabel">) {
  const m = panelMargins(p.fontSize, !!p.yLabel);
  const x = scaleLinear().domain(p.xDomain).range([m.left, p.width - m.right]);
  let yDomain = p.yDomain;
  if (!yDomain) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of p.series) {
      const e = seriesExtent(s);
      lo = Math.min(lo, e[0]);
      hi = Math.max(hi, e[1]);
    }
    yDomain = Number.isFinite(lo) ? [lo, hi === lo ? lo + 1 : hi] : [0, 1];
  }
  const y = scaleLinear().domain(yDomain).nice().range([p.height - m.bottom, m.top]);
  return { x, y, margins: m };
}

/** The x range covered by some lists of series (the shared x domain of a set of panels); [0, 1] when empty. */
export function xExtent(series: PanelSeries[][]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const list of series) {
    for (const s of list) {
      // Over the typed column (built once per series, and already built by the drift view): no per-point objects.
      const xs = seriesColumnar(s).xs;
      for (let i = 0; i < xs.length; i++) {
        const x = xs[i]!;
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
    }
  }
  return Number.isFinite(lo) ? [lo, hi === lo ? lo + 1 : hi] : [0, 1];
}

/** The y range covered by some lists of series, CIs included; undefined when nothing has a value. */
export function yExtent(series: PanelSeries[][]): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const list of series) {
    for (const s of list) {
      const e = seriesExtent(s);
      lo = Math.min(lo, e[0]);
      hi = Math.max(hi, e[1]);
    }
  }
  return Number.isFinite(lo) ? [lo, hi === lo ? lo + 1 : hi] : undefined;
}

/** Tick values on both axes: as many as fit the panel at its font size. */
export function panelTicks(p: Pick<PanelProps, "width" | "height" | "fontSize" | "xTime" | "yLog">, x: ScaleLinear<number, number>, y: ScaleLinear<number, number>) {
  const fs = p.fontSize ?? 10;
  let yTicks = y.ticks(Math.max(2, Math.floor(p.height / (fs * 4))));
  let formatY = fmt;
  if (p.yLog) {
    // On a log scale ticks go on whole powers of ten when two or more are in view, and read as the quantity.
    const [a, b] = y.domain() as [number, number];
    const powers = [];
    for (let k = Math.ceil(Math.min(a, b)); k <= Math.floor(Math.max(a, b)); k++) powers.push(k);
    if (powers.length >= 2) yTicks = powers;
    formatY = (t: number) => fmt(10 ** t);
  }
  if (p.xTime) {
    // Date labels are wider than numbers: fewer of them.
    const time = timeAxis(x);
    return { xTicks: time.scale.ticks(Math.max(2, Math.floor(p.width / (fs * 12)))).map((d) => d.getTime() / 1000), yTicks, formatX: time.format, formatY };
  }
  return { xTicks: x.ticks(Math.max(2, Math.floor(p.width / (fs * 9)))), yTicks, formatX: fmt, formatY };
}

/** A wall-time axis over epoch seconds: d3's time scale picks calendar ticks and their labels ("11 AM", "Dec 05"). */
function timeAxis(x: ScaleLinear<number, number>) {
  const [a, b] = x.domain() as [number, number];
  const scale = scaleTime().domain([new Date(a * 1000), new Date(b * 1000)]);
  const label = scale.tickFormat();
  return { scale, format: (t: number) => label(new Date(t * 1000)) };
}

export function DriftPanel(p: PanelProps) {
  const { x, y, margins: MARGIN } = panelScales(p);
  const fs = p.fontSize ?? 10;
  const lw = p.lineWidth ?? 1.6;
  const clipId = `clip-${p.idPrefix ?? ""}${slug(p.title)}`;
  const canvasLayer = p.seriesLayer === "canvas";
  const fg = p.theme === "dark" ? "#ddd" : "#222";
  const grid = gridColour(p.theme);
  const [x0, x1] = p.xDomain;
  const px = (v: number) => x(v);
  // Two decimals of a user unit (a pixel on screen, a point in exports) keep paths small and exact enough.
  const path = line<XY>()
    .digits(2)
    .defined((d) => d.y !== null)
    .x((d) => x(d.x))
    .y((d) => y(d.y!));
  const band = area<BandPoint>()
    .digits(2)
    .x((d) => x(d.x))
    .y0((d) => y(d.lo))
    .y1((d) => y(d.hi));
  const { xTicks, yTicks, formatX, formatY } = panelTicks(p, x, y);
  // An annotation belongs to a run: it is drawn where that run is (its series, or its series of each trait).
  const drawnRuns = new Set(p.series.map((s) => /^run:(\d+)/.exec(s.key)?.[1]).filter((id): id is string => id !== undefined).map(Number));
  const annotations = (p.annotations ?? []).filter((a) => a.runId === undefined || drawnRuns.has(a.runId));
  return (
    <svg
      {...(p.at ? { x: p.at.x, y: p.at.y } : { xmlns: "http://www.w3.org/2000/svg" })}
      width={p.width}
      height={p.height}
      viewBox={`0 0 ${p.width} ${p.height}`}
      fontFamily={FONT_FAMILY}
      fontSize={fs}
      role="img"
      aria-label={p.title}
    >
      <defs>
        <clipPath id={clipId}>
          <rect x={MARGIN.left} y={MARGIN.top} width={round2(p.width - MARGIN.left - MARGIN.right)} height={round2(p.height - MARGIN.top - MARGIN.bottom)} />
        </clipPath>
      </defs>
      {/* The title (and unit) shortened to the panel's width, never clipped; the whole title stays in the SVG's
          aria-label. Bold DejaVu Sans at 1.1 em averages about 0.6 em of the base size per character; the right margin takes
          the rest of a wide title. */}
      <text x={MARGIN.left} y={round2(fs * 1.3)} fill={fg} fontSize={round2(fs * 1.1)} fontWeight="bold">
        {fitText(p.title, (p.width - MARGIN.left - fs * 0.5), fs)}
        {p.unit && p.title.length + p.unit.length + 2 <= (p.width - MARGIN.left - fs * 0.5) / (fs * 0.6) ? <tspan fontWeight="normal" fill={fg} opacity={0.7}>{`  ${p.unit}`}</tspan> : null}
      </text>
      {canvasLayer ? null : (
        <g className="grid">
          {yTicks.map((t) => (
            <line key={`gy${t}`} x1={MARGIN.left} x2={round2(p.width - MARGIN.right)} y1={round2(y(t))} y2={round2(y(t))} stroke={grid} strokeWidth={round2(fs / 10)} />
          ))}
        </g>
      )}
      <g className="axis-x" transform={`translate(0,${round2(p.height - MARGIN.bottom)})`}>
        <line x1={MARGIN.left} x2={round2(p.width - MARGIN.right)} stroke={fg} strokeWidth={round2(fs / 10)} />
        {xTicks.map((t) => (
          <g key={`x${t}`} transform={`translate(${round2(x(t))},0)`}>
            <line y2={round2(fs * 0.4)} stroke={fg} strokeWidth={round2(fs / 10)} />
            <text y={round2(fs * 1.4)} textAnchor="middle" fill={fg}>
              {formatX(t)}
            </text>
          </g>
        ))}
        {p.xLabel ? (
          <text x={round2(p.width - MARGIN.right)} y={round2(fs * 2.6)} textAnchor="end" fill={fg} opacity={0.7}>
            {p.xLabel}
          </text>
        ) : null}
      </g>
      <g className="axis-y">
        {yTicks.map((t) => (
          <text key={`y${t}`} x={round2(MARGIN.left - fs * 0.4)} y={round2(y(t) + fs * 0.3)} textAnchor="end" fill={fg}>
            {formatY(t)}
          </text>
        ))}
        {p.yLabel ? (
          <text className="y-label" transform={`translate(${round2(fs * 1.1)},${(MARGIN.top + p.height - MARGIN.bottom) / 2}) rotate(-90)`} textAnchor="middle" fill={fg} opacity={0.7}>
            {fitText(p.yLabel, p.height - MARGIN.top - MARGIN.bottom, fs)}
          </text>
        ) : null}
      </g>
      <g clipPath={`url(#${clipId})`}>
        {annotations.map((a) =>
          a.to !== null ? (
            <rect key={`a${a.id}`} className="annotation-range" x={round2(x(a.x))} width={Math.max(1, round2(x(a.to)) - round2(x(a.x)))} y={MARGIN.top} height={round2(p.height - MARGIN.top - MARGIN.bottom)} fill={a.colour} opacity={RANGE_OPACITY}>
              <title>{a.text}</title>
            </rect>
          ) : (
            <line key={`a${a.id}`} className="annotation-marker" x1={round2(x(a.x))} x2={round2(x(a.x))} y1={MARGIN.top} y2={round2(p.height - MARGIN.bottom)} stroke={a.colour} strokeDasharray="3 3">
              <title>{a.text}</title>
            </line>
          ),
        )}
        {p.showBands !== false && !canvasLayer
          ? p.series.map((s) => {
              const b = seriesBand(s);
              const [start, end] = visibleRange(b.xs, x0, x1, 0);
              const pts = bandSegments(b, start, end, px, "join")[0] ?? [];
              return pts.length > 0 ? <path key={`b${s.key}`} className="ci-band" d={band(pts) ?? ""} fill={s.colour} opacity={BAND_OPACITY} /> : null;
            })
          : null}
        {p.series.map((s) => {
          // On a canvas layer the lines are drawn there; this SVG then only needs the points of sparse series, and
          // the markers and end labels of the overlay's traits.
          const dense = canvasLayer && countInRange(seriesColumnar(s), x0, x1) > 60;
          const raw = dense && !s.marker && !s.endLabel ? [] : decimateRange(seriesColumnar(s), x0, x1, px);
          const smooth = s.smoothed && !canvasLayer ? decimateRange(smoothedColumnar(s), x0, x1, px) : null;
          const width = s.mean ? lw * 1.5 : lw;
          const dash = dashOf(s, lw);
          const shown = raw.filter((pt) => pt.y !== null);
          if (canvasLayer && shown.length === 0) return null;
          const last = shown[shown.length - 1];
          const r = round2(lw * 1.6);
          return (
            <g key={`l${s.key}`} className="series" data-series={s.key}>
              {canvasLayer ? null : <path d={path(raw) ?? ""} fill="none" stroke={s.colour} strokeWidth={round2(smooth ? width * 0.6 : width)} opacity={smooth ? 0.35 : 1} strokeDasharray={dash.length ? dash.map(round2).join(" ") : undefined} />}
              {smooth ? <path className="smoothed" d={path(smooth) ?? ""} fill="none" stroke={s.colour} strokeWidth={round2(width * 1.1)} strokeDasharray={dash.length ? dash.map(round2).join(" ") : undefined} /> : null}
              {s.marker ? (
                <path className="marker" d={markerIndices(shown.length, dense ? 10 : shown.length).map((i) => markerPath(s.marker!, x(shown[i]!.x), y(shown[i]!.y!), r)).join("")} fill={s.marker === "cross" ? "none" : s.colour} stroke={s.colour} strokeWidth={round2(lw * 0.8)} />
              ) : !dense && shown.length > 0 && shown.length <= 60 ? (
                shown.map((pt) => <circle key={pt.x} className="point" cx={round2(x(pt.x))} cy={round2(y(pt.y!))} r={round2(lw * 1.4)} fill={s.colour} />)
              ) : null}
              {s.endLabel && last ? (
                <text className="end-label" x={round2(x(last.x) - fs * 0.3)} y={round2(y(last.y!) - fs * 0.5)} textAnchor="end" fontSize={round2(fs * 0.9)} fill={fg}>
                  {s.endLabel}
                </text>
              ) : null}
            </g>
          );
        })}
        {p.changeMarkers
          ? p.series.map((s) => {
              if (s.mean) return null;
              const c = largestChange(s.points);
              if (!c || c.x < x0 || c.x > x1) return null;
              return (
                <g key={`c${s.key}`} className="change-marker" data-series={s.key}>
                  <circle cx={round2(x(c.x))} cy={round2(y(c.y))} r={round2(lw * 3.2)} fill="none" stroke={s.colour} strokeWidth={round2(lw)} />
                  <text x={round2(x(c.x) + lw * 4)} y={round2(y(c.y) + fs * 0.35)} fontSize={round2(fs * 0.85)} fill={fg}>
                    {`Δ${c.delta >= 0 ? "+" : "−"}${fmt(Math.abs(p.yLog ? 10 ** c.y - 10 ** (c.y - c.delta) : c.delta))}`}
                  </text>
                  <title>{`${s.label}: largest change, ${fmt(c.from)} → ${fmt(c.x)}`}</title>
                </g>
              );
            })
          : null}
        {/* On a dark background a run's colour is too dim to read as text: the label is drawn in the text colour there
            (its marker keeps the colour). A halo of the panel's background keeps it legible over the lines. */}
        {labelRows(annotations, x, fs).map(({ a, row, text }) => (
          <text key={`t${a.id}`} className="annotation-label" x={round2(x(a.x) + fs * 0.3)} y={round2(MARGIN.top + fs * (1 + row * 1.1))} fill={p.theme === "dark" ? fg : a.colour} fontSize={round2(fs * 0.9)} stroke={p.theme === "dark" ? "#202226" : "#ffffff"} strokeWidth={round2(fs * 0.3)} paintOrder="stroke" strokeLinejoin="round">
            {text}
          </text>
        ))}
        {p.crosshairX != null ? <line className="crosshair" x1={round2(x(p.crosshairX))} x2={round2(x(p.crosshairX))} y1={MARGIN.top} y2={round2(p.height - MARGIN.bottom)} stroke={fg} opacity={0.5} /> : null}
      </g>
    </svg>
  );
}

const extentCache = new WeakMap<object, [number, number]>();

/** The y extent of a series including its CI, computed once per series' columns (or points array). */
function seriesExtent(s: PanelSeries): [number, number] {
  const key: object = s.columns ?? s.points;
  let e = extentCache.get(key);
  if (e) return e;
  let lo = Infinity;
  let hi = -Infinity;
  const c = s.columns;
  if (c) {
    // NaN (a missing value) fails every comparison, so it is passed over.
    for (const col of [c.ys, c.lo, c.hi]) {
      if (!col) continue;
      for (let i = 0; i < col.length; i++) {
        const v = col[i]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  } else {
    for (const pt of s.points) {
      // Unrolled over y, lo and hi: this runs over every point of every series when data arrives.
      const { y, lo: l, hi: h } = pt;
      if (y != null && Number.isFinite(y)) {
        if (y < lo) lo = y;
        if (y > hi) hi = y;
      }
      if (l != null && Number.isFinite(l) && l < lo) lo = l;
      if (h != null && Number.isFinite(h) && h > hi) hi = h;
    }
  }
  e = [lo, hi];
  extentCache.set(key, e);
  return e;
}

const smoothedColumnarCache = new WeakMap<PanelSeries, ReturnType<typeof columnar>>();

/** The smoothed values as typed columns (sharing the series' x column when it has columns), built once per series. */
export function smoothedColumnar(s: PanelSeries): ReturnType<typeof columnar> {
  if (!s.columns) return columnar(smoothedPoints(s));
  let c = smoothedColumnarCache.get(s);
  if (!c) {
    c = { xs: s.columns.xs, ys: Float64Array.from(s.smoothed ?? [], (v) => v ?? NaN) };
    smoothedColumnarCache.set(s, c);
  }
  return c;
}

const smoothedCache = new WeakMap<PanelSeries, XY[]>();

/** The smoothed values as points, built once per series object. */
export function smoothedPoints(s: PanelSeries): XY[] {
  let pts = smoothedCache.get(s);
  if (!pts) {
    pts = s.points.map((pt, i) => ({ x: pt.x, y: s.smoothed![i] ?? null }));
    smoothedCache.set(s, pts);
  }
  return pts;
}

/**
 * Annotation labels stacked in rows so neighbours do not overprint: each goes in the first row whose previous
 * label ends before it starts (widths estimated at 0.6 em per character), at most three rows.
 */
function labelRows(annotations: PanelAnnotation[], x: (v: number) => number, fs: number) {
  const ends: number[] = [];
  return [...annotations]
    .sort((a, b) => a.x - b.x || a.id - b.id)
    .map((a) => {
      const text = a.text.length > 24 ? `${a.text.slice(0, 23)}…` : a.text;
      const start = x(a.x);
      let row = ends.findIndex((end) => end <= start);
      if (row < 0) row = ends.length < 3 ? ends.length : ends.indexOf(Math.min(...ends));
      ends[row] = start + fs * 0.3 + text.length * fs * 0.9 * 0.6 + fs * 0.5;
      return { a, row, text };
    });
}

/** Shortens a label with an ellipsis to fit a length (widths estimated at 0.6 em per character). */
function fitText(text: string, room: number, fs: number): string {
  const max = Math.max(3, Math.floor(room / (fs * 0.6)));
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export const gridColour = (theme: PanelProps["theme"]) => (theme === "dark" ? "#444" : "#e4e4e4");

export const FONT_FAMILY = "DejaVu Sans, Arial, Helvetica, sans-serif";

function fmt(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e4 || (a > 0 && a < 1e-3)) return v.toExponential(1);
  return Number(v.toPrecision(4)).toString();
}

function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9]+/g, "-");
}
