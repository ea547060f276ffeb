// Lines and CI bands onto a 2D canvas, from points already mapped by the panel's linear d3 scales (x = ax * v + bx).
// Plain loops over arrays: these run for every series of every panel when the drift view opens, usually before
// the JIT has warmed up, so they avoid per-point closures and temporary objects.
import { visibleRange, type BandColumns, type XY } from "../../shared/chart/decimate.js";

export interface Linear {
  ax: number;
  bx: number;
  ay: number;
  by: number;
}

/** Strokes a decimated line (null y = a gap) and returns its FNV-1a digest in tenths of a pixel, folded into h. */
export function strokeLine(ctx: CanvasRenderingContext2D, pts: XY[], m: Linear, h: number): number {
  ctx.beginPath();
  let pen = false;
  for (let i = 0; i < pts.length; i++) {
    const p = pts[i]!;
    if (p.y === null) {
      pen = false;
      continue;
    }
    const x = m.ax * p.x + m.bx;
    const y = m.ay * p.y + m.by;
    if (pen) ctx.lineTo(x, y);
    else ctx.moveTo(x, y);
    pen = true;
    h = Math.imul(h ^ Math.round(x * 10), 16777619) >>> 0;
    h = Math.imul(h ^ Math.round(y * 10), 16777619) >>> 0;
  }
  ctx.stroke();
  return h;
}

/**
 * Fills a CI band over [x0, x1], reduced to its envelope per pixel column (lowest low, highest high, at the
 * column's first and last x) so a band is never drawn narrower than the data; a point without a CI splits it.
 */
export function fillBand(ctx: CanvasRenderingContext2D, b: BandColumns, x0: number, x1: number, m: Linear): void {
  const [start, end] = visibleRange(b.xs, x0, x1);
  const xs: number[] = [];
  const top: number[] = [];
  const bottom: number[] = [];
  const flushSegment = () => {
    if (xs.length > 0) {
      ctx.moveTo(xs[0]!, top[0]!);
      for (let k = 1; k < xs.length; k++) ctx.lineTo(xs[k]!, top[k]!);
      for (let k = xs.length - 1; k >= 0; k--) ctx.lineTo(xs[k]!, bottom[k]!);
      ctx.closePath();
    }
    xs.length = top.length = bottom.length = 0;
  };
  ctx.beginPath();
  let col = NaN;
  let firstX = 0;
  let lastX = 0;
  let lo = 0;
  let hi = 0;
  const emit = () => {
    if (Number.isNaN(col)) return;
    // Screen y grows downwards: the high edge is the smaller y.
    xs.push(firstX);
    top.push(m.ay * hi + m.by);
    bottom.push(m.ay * lo + m.by);
    if (lastX !== firstX) {
      xs.push(lastX);
      top.push(m.ay * hi + m.by);
      bottom.push(m.ay * lo + m.by);
    }
  };
  for (let i = start; i < end; i++) {
    const l = b.lo[i]!;
    const u = b.hi[i]!;
    if (Number.isNaN(l) || Number.isNaN(u)) {
      emit();
      col = NaN;
      flushSegment();
      continue;
    }
    const x = m.ax * b.xs[i]! + m.bx;
    const c = Math.floor(x);
    if (c !== col) {
      emit();
      col = c;
      firstX = x;
      lo = l;
      hi = u;
    } else {
      if (l < lo) lo = l;
      if (u > hi) hi = u;
    }
    lastX = x;
  }
  emit();
  flushSegment();
  ctx.fill();
}
