// The experiment view's figures as standalone SVG for papers and slides: the effect matrix, a trait's context grid,
// the trade-off scatter and Δ across steps. Inline attributes only (no stylesheet), so a file, a PNG and a PDF drawn
// from it look as the app does; the app draws the scatter and the Δ chart with these same components.
import { interpolateRgb, scaleLinear } from "d3";
import type { ReactElement } from "react";
import type { ExperimentEffects } from "../views.js";
import { DeltaStepsChart, deltaSteps } from "./DeltaStepsChart.js";
import { colourFor } from "./palette.js";

import type { ExperimentView } from "./experimentExportSpec.js";

export const ROLE_ORDER = ["wanted", "unwanted_in_distribution", "unwanted_out_of_distribution", "control"];
export const ROLE_BADGE: Record<string, string> = { wanted: "wanted", unwanted_in_distribution: "unwanted · in-dist.", unwanted_out_of_distribution: "unwanted · OOD", control: "control" };
export const fmt = (v: number | null | undefined, d = 3) => (v === null || v === undefined ? "–" : v.toFixed(d));

// Okabe-Ito blue through white to vermillion: readable with the common colour-vision deficiencies.
const toBlue = interpolateRgb("#ffffff", "#0072B2");
const toRed = interpolateRgb("#ffffff", "#D55E00");

/** A Δ's cell colour on the diverging scale (|Δ| / scale, capped), transparent without a Δ. */
export function cellColour(delta: number | null, scale: number): string {
  if (delta === null || scale === 0) return "transparent";
  const t = Math.min(1, Math.abs(delta) / scale) * 0.8;
  return delta < 0 ? toBlue(t) : toRed(t);
}

export type Theme = "light" | "dark";
const THEMES: Record<Theme, { bg: string; ink: string; line: string }> = {
  light: { bg: "#ffffff", ink: "#222222", line: "#cccccc" },
  dark: { bg: "#17181b", ink: "#e8e8ea", line: "#44464c" },
};

type Row = ExperimentEffects["rows"][number];
const rowOf = (data: ExperimentEffects, c: string, t: string, x: string): Row | undefined => data.rows.find((r) => r.condition === c && r.trait === t && r.context === x);
/** The experiment's traits by role: wanted, unwanted in distribution, unwanted out of distribution, control. */
export const orderedTraits = (data: Pick<ExperimentEffects, "traits">) => [...data.traits].sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role));

/** The contexts that have results, in the suites' own order (no system prompt first), not alphabetically. */
export function experimentContexts(data: Pick<ExperimentEffects, "rows" | "traits">): string[] {
  const seen = new Set(data.rows.map((r) => r.context));
  const ordered = [...new Set(data.traits.flatMap((t) => t.contexts))].filter((c) => seen.has(c));
  return [...ordered, ...[...seen].filter((c) => !ordered.includes(c))];
}
const FONT = "DejaVu Sans, Arial, Helvetica, sans-serif";

/** Table-like figures: a label column, then cells of two lines (value, interval). */
function cellTable(opts: { title: string; columns: { key: string; head: string; sub?: string }[]; rows: string[]; cell: (row: string, col: string) => { main: string; sub: string; fill: string; hatched: boolean; dark: boolean }; theme: Theme }): { el: ReactElement; width: number; height: number } {
  const th = THEMES[opts.theme];
  const labelW = Math.max(90, ...opts.rows.map((r) => r.length * 6.2 + 16));
  const cellW = Math.max(78, ...opts.columns.map((c) => Math.max(c.head.length, c.sub?.length ?? 0) * 5.6 + 12));
  const cellH = 32;
  const headH = 40;
  const top = 24;
  const width = labelW + cellW * opts.columns.length + 2;
  const height = top + headH + cellH * opts.rows.length + 2;
  const el = (
    <svg xmlns="http://www.w3.org/2000/svg" width={width} height={height} viewBox={`0 0 ${width} ${height}`} fontFamily={FONT} fontSize={10}>
      <defs>
        <pattern id="hatch" width={6} height={6} patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
          <rect width={2} height={6} fill="#000000" opacity={0.14} />
        </pattern>
      </defs>
      <rect width={width} height={height} fill={th.bg} />
      <text x={2} y={14} fill={th.ink} fontWeight="bold" fontSize={11}>
        {opts.title}
      </text>
      {opts.columns.map((c, i) => (
        <g key={c.key} transform={`translate(${labelW + i * cellW} ${top})`}>
          <text x={cellW / 2} y={16} textAnchor="middle" fill={th.ink} fontWeight="bold">
            {c.head}
          </text>
          {c.sub ? (
            <text x={cellW / 2} y={30} textAnchor="middle" fill={th.ink} opacity={0.7} fontSize={8.5}>
              {c.sub}
            </text>
          ) : null}
        </g>
      ))}
      {opts.rows.map((r, j) => (
        <g key={r} transform={`translate(0 ${top + headH + j * cellH})`}>
          <text x={labelW - 8} y={cellH / 2 + 3.5} textAnchor="end" fill={th.ink}>
            {r}
          </text>
          {opts.columns.map((c, i) => {
            const v = opts.cell(r, c.key);
            const ink = v.dark ? "#1a1a1a" : th.ink;
            return (
              <g key={c.key} transform={`translate(${labelW + i * cellW} 0)`} data-cell={`${r}/${c.key}`}>
                <rect width={cellW} height={cellH} fill={v.fill === "transparent" ? th.bg : v.fill} stroke={th.line} strokeWidth={0.8} />
                {v.hatched ? <rect width={cellW} height={cellH} fill="url(#hatch)" /> : null}
                <text x={cellW / 2} y={13} textAnchor="middle" fill={ink} fontWeight="bold">
                  {v.main}
                </text>
                <text x={cellW / 2} y={26} textAnchor="middle" fill={ink} opacity={0.75} fontSize={8.5}>
                  {v.sub}
                </text>
              </g>
            );
          })}
        </g>
      ))}
    </svg>
  );
  return { el, width, height };
}

export function effectMatrixFigure(data: ExperimentEffects, context: string, theme: Theme) {
  const traits = orderedTraits(data);
  const scale = Math.max(1e-9, ...data.rows.filter((r) => r.context === context).map((r) => Math.abs(r.delta ?? 0)));
  return cellTable({
    title: `Effect matrix · ${context} · Δ versus ${data.experiment.control} (95% CI; hatched: includes 0)`,
    columns: traits.map((t) => ({ key: t.trait, head: t.name, sub: ROLE_BADGE[t.role] ?? t.role })),
    rows: data.experiment.conditions,
    theme,
    cell: (c, t) => {
      const r = rowOf(data, c, t, context);
      if (c === data.experiment.control) return { main: fmt(r?.mean), sub: `[${fmt(r?.ciLow)}, ${fmt(r?.ciHigh)}]`, fill: "transparent", hatched: false, dark: false };
      const zero = r?.deltaCiLow != null && r.deltaCiHigh != null && r.deltaCiLow <= 0 && r.deltaCiHigh >= 0;
      const main = r?.delta != null ? `${r.delta > 0 ? "+" : ""}${fmt(r.delta)}${r.seeds === 1 ? " (1 seed)" : ""}` : "–";
      return { main, sub: `[${fmt(r?.deltaCiLow)}, ${fmt(r?.deltaCiHigh)}]`, fill: cellColour(r?.delta ?? null, scale), hatched: zero, dark: r?.delta != null };
    },
  });
}

export function contextGridFigure(data: ExperimentEffects, trait: string, contexts: string[], theme: Theme) {
  const name = data.traits.find((t) => t.trait === trait)?.name ?? trait;
  return cellTable({
    title: `Context grid · ${name} (mean, 95% CI)`,
    columns: contexts.map((x) => ({ key: x, head: x })),
    rows: data.experiment.conditions,
    theme,
    cell: (c, x) => {
      const r = rowOf(data, c, trait, x);
      return { main: fmt(r?.mean), sub: `[${fmt(r?.ciLow)}, ${fmt(r?.ciHigh)}]`, fill: "transparent", hatched: false, dark: false };
    },
  });
}

/** The trade-off scatter: x the wanted trait, y an unwanted one, 2-D interval bars, the control and base model marked. */
export function TradeoffScatter({ data, x, y, context, width: W = 420, height: H = 320, theme, onPick }: { data: ExperimentEffects; x: string; y: string; context: string; width?: number; height?: number; theme?: Theme; onPick?: (condition: string) => void }) {
  const ink = theme ? THEMES[theme].ink : "currentColor";
  const m = { l: 56, r: 16, t: 14, b: 44 };
  const points = data.experiment.conditions.map((c) => ({ c, x: rowOf(data, c, x, context), y: rowOf(data, c, y, context) }));
  const xs = points.flatMap((p) => [p.x?.ciLow, p.x?.ciHigh]).filter((v): v is number => typeof v === "number");
  const ys = points.flatMap((p) => [p.y?.ciLow, p.y?.ciHigh]).filter((v): v is number => typeof v === "number");
  const sx = scaleLinear().domain([Math.min(0, ...xs), Math.max(1e-9, ...xs)]).nice().range([m.l, W - m.r]);
  const sy = scaleLinear().domain([Math.min(0, ...ys), Math.max(1e-9, ...ys)]).nice().range([H - m.b, m.t]);
  const xName = data.traits.find((t) => t.trait === x)?.name ?? x;
  const yName = data.traits.find((t) => t.trait === y)?.name ?? y;
  return (
    <svg xmlns="http://www.w3.org/2000/svg" width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Trade-off: ${x} against ${y} under ${context}`} className="scatter" fontFamily={FONT} fontSize={10}>
      {theme ? <rect width={W} height={H} fill={THEMES[theme].bg} /> : null}
      <line x1={m.l} x2={W - m.r} y1={H - m.b} y2={H - m.b} stroke={ink} strokeOpacity={0.6} />
      <line x1={m.l} x2={m.l} y1={m.t} y2={H - m.b} stroke={ink} strokeOpacity={0.6} />
      {sx.ticks(5).map((t) => (
        <text key={`x${t}`} x={sx(t)} y={H - m.b + 14} textAnchor="middle" fill={ink}>
          {t}
        </text>
      ))}
      {sy.ticks(5).map((t) => (
        <text key={`y${t}`} x={m.l - 6} y={sy(t) + 4} textAnchor="end" fill={ink}>
          {t}
        </text>
      ))}
      <text x={(m.l + W - m.r) / 2} y={H - 8} textAnchor="middle" fill={ink} fontSize={11}>
        {xName} (wanted)
      </text>
      <text transform={`translate(14 ${(m.t + H - m.b) / 2}) rotate(-90)`} textAnchor="middle" fill={ink} fontSize={11}>
        {yName}
      </text>
      {points.map((p, i) =>
        p.x?.mean != null && p.y?.mean != null ? (
          <g key={p.c} data-condition={p.c} {...(onPick ? { role: "button", tabIndex: 0, "aria-label": `Runs of ${p.c}`, onClick: () => onPick(p.c), onKeyDown: (e: { key: string }) => e.key === "Enter" && onPick(p.c), style: { cursor: "pointer" } } : {})}>
            <line x1={sx(p.x.ciLow ?? p.x.mean)} x2={sx(p.x.ciHigh ?? p.x.mean)} y1={sy(p.y.mean)} y2={sy(p.y.mean)} stroke={ink} strokeOpacity={0.6} />
            <line x1={sx(p.x.mean)} x2={sx(p.x.mean)} y1={sy(p.y.ciLow ?? p.y.mean)} y2={sy(p.y.ciHigh ?? p.y.mean)} stroke={ink} strokeOpacity={0.6} />
            {p.c === data.experiment.control ? (
              <rect x={sx(p.x.mean) - 5} y={sy(p.y.mean) - 5} width={10} height={10} className="point control" fill="#999999" stroke="#000000" />
            ) : p.c === data.reference ? (
              <path d={`M${sx(p.x.mean)} ${sy(p.y.mean) - 7}l7 7l-7 7l-7 -7z`} className="point reference" fill="#ffffff" stroke="#000000" />
            ) : (
              <circle cx={sx(p.x.mean)} cy={sy(p.y.mean)} r={5} className="point" fill={colourFor(i)} stroke="#000000" />
            )}
            {/* Right of the point, or left of it in the plot's right third, so a label never leaves the figure. */}
            <text x={sx(p.x.mean) > m.l + (2 * (W - m.l - m.r)) / 3 ? sx(p.x.mean) - 8 : sx(p.x.mean) + 8} y={sy(p.y.mean) - 6} textAnchor={sx(p.x.mean) > m.l + (2 * (W - m.l - m.r)) / 3 ? "end" : "start"} fill={ink}>
              {p.c}
              {p.c === data.experiment.control ? " (control)" : p.c === data.reference ? " (base model)" : ""}
            </text>
          </g>
        ) : null,
      )}
    </svg>
  );
}

export interface ExperimentFigureRequest {
  view: ExperimentView;
  context: string;
  /** The grid's trait, the scatter's y and the Δ chart's trait. */
  trait: string;
  /** The scatter's x: the wanted trait. */
  wanted: string;
  contexts: string[];
  theme: Theme;
}

/** A view as an SVG element with its natural size in points. */
export function experimentFigure(data: ExperimentEffects, req: ExperimentFigureRequest): { el: ReactElement; width: number; height: number } {
  if (req.view === "matrix") return effectMatrixFigure(data, req.context, req.theme);
  if (req.view === "grid") return contextGridFigure(data, req.trait, req.contexts, req.theme);
  if (req.view === "scatter") return { el: <TradeoffScatter data={data} x={req.wanted} y={req.trait} context={req.context} theme={req.theme} />, width: 420, height: 320 };
  const name = data.traits.find((t) => t.trait === req.trait)?.name ?? req.trait;
  const th = THEMES[req.theme];
  const W = 640;
  const H = 300;
  return {
    el: (
      <svg xmlns="http://www.w3.org/2000/svg" width={W} height={H} viewBox={`0 0 ${W} ${H}`}>
        <rect width={W} height={H} fill={th.bg} />
        <DeltaStepsChart title={`Δ ${name} versus ${data.experiment.control} · ${req.context} (95% CI)`} series={deltaSteps(data.rows, data.experiment.control, req.trait, req.context)} width={W} height={H} ink={th.ink} />
      </svg>
    ),
    width: W,
    height: H,
  };
}

