// How series are told apart beyond colour: in the overlay each trait has its own dash pattern and marker (and an
// end-of-line label), so traits read apart in print and for colour-blind readers; a group's mean is dashed and
// heavier than its seeds. One definition for the canvas, the SVG and the legend.
import type { PanelSeries } from "./DriftPanel.js";

export type MarkerShape = "circle" | "square" | "triangle" | "diamond" | "cross";

export const MARKERS: readonly MarkerShape[] = ["circle", "square", "triangle", "diamond", "cross"];

/** Dash patterns in multiples of the line width (empty: solid). */
export const DASHES: readonly (readonly number[])[] = [[], [4, 2], [1, 2], [6, 2, 1, 2], [3, 3]];

/** The style of the i-th trait of an overlay. */
export function traitStyle(i: number): { dash: readonly number[]; marker: MarkerShape } {
  return { dash: DASHES[i % DASHES.length]!, marker: MARKERS[i % MARKERS.length]! };
}

/** A series' dash pattern in user units (the group-mean dash when it is only marked dashed). */
export function dashOf(s: Pick<PanelSeries, "dash" | "dashed">, lw: number): number[] {
  if (s.dash) return s.dash.map((d) => d * lw);
  return s.dashed ? [lw * 3, lw * 2] : [];
}

/** The SVG path of a marker of radius r centred on (x, y). */
export function markerPath(shape: MarkerShape, x: number, y: number, r: number): string {
  const f = (v: number) => Math.round(v * 100) / 100;
  switch (shape) {
    case "circle":
      return `M${f(x - r)},${f(y)}a${f(r)},${f(r)} 0 1,0 ${f(2 * r)},0a${f(r)},${f(r)} 0 1,0 ${f(-2 * r)},0Z`;
    case "square":
      return `M${f(x - r)},${f(y - r)}h${f(2 * r)}v${f(2 * r)}h${f(-2 * r)}Z`;
    case "triangle":
      return `M${f(x)},${f(y - r * 1.15)}L${f(x + r)},${f(y + r * 0.75)}L${f(x - r)},${f(y + r * 0.75)}Z`;
    case "diamond":
      return `M${f(x)},${f(y - r * 1.2)}L${f(x + r)},${f(y)}L${f(x)},${f(y + r * 1.2)}L${f(x - r)},${f(y)}Z`;
    case "cross":
      return `M${f(x - r)},${f(y - r)}L${f(x + r)},${f(y + r)}M${f(x - r)},${f(y + r)}L${f(x + r)},${f(y - r)}`;
  }
}

/** At most `count` indices spread evenly over n points (markers along a line, not one per point). */
export function markerIndices(n: number, count: number): number[] {
  if (n <= count) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: count }, (_, k) => Math.round((k * (n - 1)) / (count - 1)));
}

/**
 * A series' largest step-to-step change: between consecutive points that both have a value, the pair whose
 * difference is largest in size (the earliest on a tie). Null with fewer than two values.
 */
export function largestChange(points: readonly { x: number; y: number | null }[]): { from: number; x: number; delta: number; y: number } | null {
  let best: { from: number; x: number; delta: number; y: number } | null = null;
  let prev: { x: number; y: number } | null = null;
  for (const p of points) {
    if (p.y === null || !Number.isFinite(p.y)) continue;
    if (prev) {
      const delta = p.y - prev.y;
      if (!best || Math.abs(delta) > Math.abs(best.delta)) best = { from: prev.x, x: p.x, delta, y: p.y };
    }
    prev = { x: p.x, y: p.y };
  }
  return best;
}
