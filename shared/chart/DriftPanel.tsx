// One chart panel: a trait's score (or a training metric) across steps, a line per run with its CI band, annotations
// as markers and shaded ranges. d3 computes scales, paths and ticks; React renders the SVG. No browser-only APIs, so
// the same component renders in the app and to an SVG string for export.
import { area, line, scaleLinear } from "d3";
import { columnar, decimateRange, type XY } from "./decimate.js";

export interface PanelSeries {
  key: string;
  label: string;
  colour: string;
  points: { x: number; y: number | null; lo?: number | null; hi?: number | null }[];
  /** Smoothed values drawn over the raw points, which stay visible. */
  smoothed?: (number | null)[];
  dashed?: boolean;
}

export interface PanelAnnotation {
  id: number;
  x: number;
  to: number | null;
  text: string;
  colour: string;
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
  /** Highlighted x (hover crosshair), drawn by the interactive layer's state. */
  crosshairX?: number | null;
  theme?: "light" | "dark";
}

export const MARGIN = { top: 22, right: 12, bottom: 28, left: 46 };

export function panelScales(p: Pick<PanelProps, "width" | "height" | "xDomain" | "yDomain" | "series">) {
  const x = scaleLinear().domain(p.xDomain).range([MARGIN.left, p.width - MARGIN.right]);
  let yDomain = p.yDomain;
  if (!yDomain) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of p.series) {
      const e = seriesExtent(s.points);
      lo = Math.min(lo, e[0]);
      hi = Math.max(hi, e[1]);
    }
    yDomain = Number.isFinite(lo) ? [lo, hi === lo ? lo + 1 : hi] : [0, 1];
  }
  const y = scaleLinear().domain(yDomain).nice().range([p.height - MARGIN.bottom, MARGIN.top]);
  return { x, y };
}

export function DriftPanel(p: PanelProps) {
  const { x, y } = panelScales(p);
  const fg = p.theme === "dark" ? "#ddd" : "#222";
  const grid = p.theme === "dark" ? "#444" : "#e4e4e4";
  const [x0, x1] = p.xDomain;
  const px = (v: number) => x(v);
  const path = line<XY>()
    .defined((d) => d.y !== null)
    .x((d) => x(d.x))
    .y((d) => y(d.y!));
  const band = area<{ x: number; lo: number; hi: number }>()
    .x((d) => x(d.x))
    .y0((d) => y(d.lo))
    .y1((d) => y(d.hi));
  const xTicks = x.ticks(Math.max(2, Math.floor(p.width / 90)));
  const yTicks = y.ticks(Math.max(2, Math.floor(p.height / 40)));
  const visible = (pts: PanelSeries["points"]) => pts.filter((pt) => pt.x >= x0 && pt.x <= x1);
  return (
    <svg xmlns="http://www.w3.org/2000/svg" width={p.width} height={p.height} viewBox={`0 0 ${p.width} ${p.height}`} fontFamily="DejaVu Sans, Arial, sans-serif" fontSize={10} role="img" aria-label={p.title}>
      <defs>
        <clipPath id={`clip-${slug(p.title)}`}>
          <rect x={MARGIN.left} y={MARGIN.top} width={p.width - MARGIN.left - MARGIN.right} height={p.height - MARGIN.top - MARGIN.bottom} />
        </clipPath>
      </defs>
      <text x={MARGIN.left} y={13} fill={fg} fontSize={11} fontWeight="bold">
        {p.title}
        {p.unit ? <tspan fontWeight="normal" fill={fg} opacity={0.7}>{`  ${p.unit}`}</tspan> : null}
      </text>
      <g className="grid">
        {yTicks.map((t) => (
          <line key={`gy${t}`} x1={MARGIN.left} x2={p.width - MARGIN.right} y1={y(t)} y2={y(t)} stroke={grid} />
        ))}
      </g>
      <g className="axis-x" transform={`translate(0,${p.height - MARGIN.bottom})`}>
        <line x1={MARGIN.left} x2={p.width - MARGIN.right} stroke={fg} />
        {xTicks.map((t) => (
          <g key={`x${t}`} transform={`translate(${x(t)},0)`}>
            <line y2={4} stroke={fg} />
            <text y={14} textAnchor="middle" fill={fg}>
              {fmt(t)}
            </text>
          </g>
        ))}
        {p.xLabel ? (
          <text x={p.width - MARGIN.right} y={26} textAnchor="end" fill={fg} opacity={0.7}>
            {p.xLabel}
          </text>
        ) : null}
      </g>
      <g className="axis-y">
        {yTicks.map((t) => (
          <text key={`y${t}`} x={MARGIN.left - 4} y={y(t) + 3} textAnchor="end" fill={fg}>
            {fmt(t)}
          </text>
        ))}
      </g>
      <g clipPath={`url(#clip-${slug(p.title)})`}>
        {(p.annotations ?? []).map((a) =>
          a.to !== null ? (
            <rect key={`a${a.id}`} className="annotation-range" x={x(a.x)} width={Math.max(1, x(a.to) - x(a.x))} y={MARGIN.top} height={p.height - MARGIN.top - MARGIN.bottom} fill={a.colour} opacity={0.12}>
              <title>{a.text}</title>
            </rect>
          ) : (
            <line key={`a${a.id}`} className="annotation-marker" x1={x(a.x)} x2={x(a.x)} y1={MARGIN.top} y2={p.height - MARGIN.bottom} stroke={a.colour} strokeDasharray="3 3">
              <title>{a.text}</title>
            </line>
          ),
        )}
        {p.showBands !== false
          ? p.series.map((s) => {
              const pts = visible(s.points).filter((pt): pt is { x: number; y: number; lo: number; hi: number } => pt.lo != null && pt.hi != null && pt.y != null);
              return pts.length > 0 ? <path key={`b${s.key}`} className="ci-band" d={band(pts) ?? ""} fill={s.colour} opacity={0.15} /> : null;
            })
          : null}
        {p.series.map((s) => {
          const raw = decimateRange(columnar(s.points), x0, x1, px);
          const smooth = s.smoothed ? decimateRange(columnar(smoothedPoints(s)), x0, x1, px) : null;
          return (
            <g key={`l${s.key}`} className="series" data-series={s.key}>
              <path d={path(raw) ?? ""} fill="none" stroke={s.colour} strokeWidth={smooth ? 1 : 1.6} opacity={smooth ? 0.35 : 1} strokeDasharray={s.dashed ? "5 3" : undefined} />
              {smooth ? <path className="smoothed" d={path(smooth) ?? ""} fill="none" stroke={s.colour} strokeWidth={1.8} /> : null}
              {raw.length <= 60
                ? raw.filter((pt) => pt.y !== null).map((pt) => <circle key={pt.x} className="point" cx={x(pt.x)} cy={y(pt.y!)} r={2.2} fill={s.colour} />)
                : null}
            </g>
          );
        })}
        {(p.annotations ?? []).map((a) => (
          <text key={`t${a.id}`} className="annotation-label" x={x(a.x) + 3} y={MARGIN.top + 10} fill={a.colour} fontSize={9}>
            {a.text.length > 24 ? `${a.text.slice(0, 23)}…` : a.text}
          </text>
        ))}
        {p.crosshairX != null ? <line className="crosshair" x1={x(p.crosshairX)} x2={x(p.crosshairX)} y1={MARGIN.top} y2={p.height - MARGIN.bottom} stroke={fg} opacity={0.5} /> : null}
      </g>
    </svg>
  );
}

const extentCache = new WeakMap<PanelSeries["points"], [number, number]>();

/** The y extent of a series including its CI, computed once per points array. */
function seriesExtent(points: PanelSeries["points"]): [number, number] {
  let e = extentCache.get(points);
  if (!e) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const pt of points) {
      for (const v of [pt.y, pt.lo, pt.hi]) {
        if (v === null || v === undefined || !Number.isFinite(v)) continue;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    e = [lo, hi];
    extentCache.set(points, e);
  }
  return e;
}

const smoothedCache = new WeakMap<PanelSeries, XY[]>();

/** The smoothed values as points, built once per series object. */
function smoothedPoints(s: PanelSeries): XY[] {
  let pts = smoothedCache.get(s);
  if (!pts) {
    pts = s.points.map((pt, i) => ({ x: pt.x, y: s.smoothed![i] ?? null }));
    smoothedCache.set(s, pts);
  }
  return pts;
}

function fmt(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e4 || (a > 0 && a < 1e-3)) return v.toExponential(1);
  return Number(v.toPrecision(4)).toString();
}

function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9]+/g, "-");
}
