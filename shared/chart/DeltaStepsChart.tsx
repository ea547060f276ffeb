// Δ versus the control across steps: one line per compared condition with its 95% band (the two-level bootstrap at
// each step, from `effects --at every`), a zero line, a legend. Pure props to SVG with inline styles, so the app
// shows it and an export can render the same component.
import { extent, line, area, scaleLinear } from "d3";
import { colourFor } from "./palette.js";

export interface DeltaStepsPoint {
  step: number;
  delta: number;
  lo: number | null;
  hi: number | null;
}

export interface DeltaStepsProps {
  title: string;
  series: { condition: string; points: DeltaStepsPoint[] }[];
  width: number;
  height: number;
  /** Text colour (the theme's). */
  ink?: string;
  /** Drawn above the legend (exports); the app has its own heading and keeps it as the label only. */
  showTitle?: boolean;
}

export function DeltaStepsChart({ title, series, width: W, height: H, ink = "currentColor", showTitle = true }: DeltaStepsProps) {
  const m = { l: 52, r: 12, t: showTitle ? 26 : 12, b: 36 };
  const legendRows = Math.ceil(series.length / 3);
  const top = m.t + legendRows * 14;
  const all = series.flatMap((s) => s.points);
  const [x0, x1] = extent(all, (p) => p.step) as [number | undefined, number | undefined];
  const ys = all.flatMap((p) => [p.delta, p.lo ?? p.delta, p.hi ?? p.delta]);
  const sx = scaleLinear().domain([x0 ?? 0, x1 === x0 ? (x0 ?? 0) + 1 : (x1 ?? 1)]).range([m.l, W - m.r]);
  const sy = scaleLinear().domain([Math.min(0, ...ys), Math.max(0, ...ys, 1e-9)]).nice().range([H - m.b, top]);
  const path = line<DeltaStepsPoint>().x((p) => sx(p.step)).y((p) => sy(p.delta));
  const band = area<DeltaStepsPoint>()
    .defined((p) => p.lo !== null && p.hi !== null)
    .x((p) => sx(p.step))
    .y0((p) => sy(p.lo!))
    .y1((p) => sy(p.hi!));
  return (
    <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title} fontFamily="DejaVu Sans, Arial, Helvetica, sans-serif" fontSize={10} className="delta-steps">
      {showTitle ? (
        <text x={m.l} y={12} fill={ink} fontWeight="bold" fontSize={11}>
          {title}
        </text>
      ) : null}
      {series.map((s, i) => (
        <g key={s.condition} transform={`translate(${m.l + (i % 3) * ((W - m.l - m.r) / 3)} ${m.t + Math.floor(i / 3) * 14})`}>
          <line x1={0} x2={14} y1={-3} y2={-3} stroke={colourFor(i)} strokeWidth={2} />
          <text x={18} y={0} fill={ink}>
            {s.condition}
          </text>
        </g>
      ))}
      {sy.ticks(5).map((t) => (
        <g key={`y${t}`}>
          <line x1={m.l} x2={W - m.r} y1={sy(t)} y2={sy(t)} stroke={ink} strokeOpacity={t === 0 ? 0.7 : 0.12} strokeDasharray={t === 0 ? "4 3" : undefined} />
          <text x={m.l - 6} y={sy(t) + 3} textAnchor="end" fill={ink}>
            {t}
          </text>
        </g>
      ))}
      {sx.ticks(6).map((t) => (
        <text key={`x${t}`} x={sx(t)} y={H - m.b + 14} textAnchor="middle" fill={ink}>
          {t}
        </text>
      ))}
      <text x={W - m.r} y={H - 6} textAnchor="end" fill={ink} opacity={0.7}>
        RL step
      </text>
      <text transform={`translate(12 ${(top + H - m.b) / 2}) rotate(-90)`} textAnchor="middle" fill={ink} opacity={0.7}>
        Δ versus control
      </text>
      {series.map((s, i) => (
        <g key={s.condition} data-condition={s.condition}>
          <path d={band(s.points) ?? undefined} fill={colourFor(i)} opacity={0.12} />
          <path d={path(s.points) ?? undefined} fill="none" stroke={colourFor(i)} strokeWidth={1.6} />
          {s.points.map((p) => (
            <circle key={p.step} cx={sx(p.step)} cy={sy(p.delta)} r={2.2} fill={colourFor(i)}>
              <title>{`${s.condition} · step ${p.step}: Δ ${p.delta.toFixed(3)} [${p.lo?.toFixed(3) ?? "–"}, ${p.hi?.toFixed(3) ?? "–"}]`}</title>
            </circle>
          ))}
        </g>
      ))}
    </svg>
  );
}

/** The chart's series from effect rows at every step (rows with at = step:N), for one trait and context. */
export function deltaSteps(rows: readonly { condition: string; trait: string; context: string; at: string; delta: number | null; deltaCiLow: number | null; deltaCiHigh: number | null }[], control: string, trait: string, context: string): DeltaStepsProps["series"] {
  const by = new Map<string, DeltaStepsPoint[]>();
  for (const r of rows) {
    const m = /^step:(\d+)$/.exec(r.at);
    if (!m || r.condition === control || r.trait !== trait || r.context !== context || r.delta === null) continue;
    const list = by.get(r.condition) ?? [];
    list.push({ step: Number(m[1]), delta: r.delta, lo: r.deltaCiLow, hi: r.deltaCiHigh });
    by.set(r.condition, list);
  }
  return [...by].map(([condition, points]) => ({ condition, points: points.sort((a, b) => a.step - b.step) }));
}
