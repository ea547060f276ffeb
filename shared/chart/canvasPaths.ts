// Lines and CI bands onto a 2D canvas, from points already mapped by the panel's linear d3 scales (x = ax * v + bx).
// Plain loops over arrays: these run for every series of every panel when the drift view opens, usually before
// the JIT has warmed up, so they avoid per-point closures and temporary objects.
import { visibleRange, walkBand, type BandColumns, type Columnar } from "./decimate.js";

/** The part of a 2D canvas context these draw with (a recording stands in for it in tests). */
export interface PathSink {
  beginPath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  closePath(): void;
  stroke(): void;
  fill(): void;
}

export interface Linear {
  ax: number;
  bx: number;
  ay: number;
  by: number;
}

/** Strokes a decimated line, the columns' points at the given indexes (decimateIndices; a NaN y is a gap), and
 * returns its FNV-1a digest in tenths of a pixel, folded into h. */
export function strokeIndexed(ctx: PathSink, c: Columnar, idx: Int32Array, n: number, m: Linear, h: number): number {
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

/** The current band segment's points (grown as needed, reused by every band). */
let segX = new Float64Array(2048);
let segLo = new Float64Array(2048);
let segHi = new Float64Array(2048);

/**
 * Fills a CI band over [x0, x1]: the polygons walkBand finds ("split": a point without a CI splits the band), drawn
 * as each segment ends from scratch arrays instead of a point object per band point.
 */
export function fillBand(ctx: PathSink, b: BandColumns, x0: number, x1: number, m: Linear): void {
  const [start, end] = visibleRange(b.xs, x0, x1);
  let n = 0;
  ctx.beginPath();
  walkBand(b, start, end, (v) => m.ax * v + m.bx, "split", {
    point(x, lo, hi) {
      if (n === segX.length) {
        const grow = (a: Float64Array) => {
          const g = new Float64Array(a.length * 2);
          g.set(a);
          return g;
        };
        segX = grow(segX);
        segLo = grow(segLo);
        segHi = grow(segHi);
      }
      segX[n] = x;
      segLo[n] = lo;
      segHi[n] = hi;
      n++;
    },
    end() {
      // Screen y grows downwards: the high edge is the smaller y. Along the top, then back along the bottom.
      ctx.moveTo(m.ax * segX[0]! + m.bx, m.ay * segHi[0]! + m.by);
      for (let k = 1; k < n; k++) ctx.lineTo(m.ax * segX[k]! + m.bx, m.ay * segHi[k]! + m.by);
      for (let k = n - 1; k >= 0; k--) ctx.lineTo(m.ax * segX[k]! + m.bx, m.ay * segLo[k]! + m.by);
      ctx.closePath();
      n = 0;
    },
  });
  ctx.fill();
}
