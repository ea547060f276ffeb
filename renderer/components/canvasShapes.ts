// Lines and CI bands onto a 2D canvas, from points already mapped by the panel's linear d3 scales (x = ax * v + bx).
// Plain loops over arrays: these run for every series of every panel when the drift view opens, usually before
// the JIT has warmed up, so they avoid per-point closures and temporary objects.
import { bandSegments, visibleRange, type BandColumns, type Columnar } from "../../shared/chart/decimate.js";

export interface Linear {
  ax: number;
  bx: number;
  ay: number;
  by: number;
}

/** Strokes a decimated line, the columns' points at the given indexes (decimateIndices; a NaN y is a gap), and
 * returns its FNV-1a digest in tenths of a pixel, folded into h. */
export function strokeIndexed(ctx: CanvasRenderingContext2D, c: Columnar, idx: Int32Array, n: number, m: Linear, h: number): number {
  ctx.beginPath();
  let pen = false;
  for (let k = 0; k < n; k++) {
    const i = idx[k]!;
    const v = c.ys[i]!;
    if (Number.isNaN(v)) {
      pen = false;
      continue;
    }
    const x = m.ax * c.xs[i]! + m.bx;
    const y = m.ay * v + m.by;
    if (pen) ctx.lineTo(x, y);
    else ctx.moveTo(x, y);
    pen = true;
    h = Math.imul(h ^ Math.round(x * 10), 16777619) >>> 0;
    h = Math.imul(h ^ Math.round(y * 10), 16777619) >>> 0;
  }
  ctx.stroke();
  return h;
}

/** Fills a CI band over [x0, x1] (per-column envelope when dense; a point without a CI splits it). */
export function fillBand(ctx: CanvasRenderingContext2D, b: BandColumns, x0: number, x1: number, m: Linear): void {
  const [start, end] = visibleRange(b.xs, x0, x1);
  ctx.beginPath();
  for (const seg of bandSegments(b, start, end, (v) => m.ax * v + m.bx, "split")) {
    // Screen y grows downwards: the high edge is the smaller y. Along the top, then back along the bottom.
    ctx.moveTo(m.ax * seg[0]!.x + m.bx, m.ay * seg[0]!.hi + m.by);
    for (let k = 1; k < seg.length; k++) ctx.lineTo(m.ax * seg[k]!.x + m.bx, m.ay * seg[k]!.hi + m.by);
    for (let k = seg.length - 1; k >= 0; k--) ctx.lineTo(m.ax * seg[k]!.x + m.bx, m.ay * seg[k]!.lo + m.by);
    ctx.closePath();
  }
  ctx.fill();
}
