// Lines and CI bands onto a 2D canvas, from points already mapped by the panel's linear d3 scales (x = ax * v + bx).
// Plain loops over arrays: these run for every series of every panel when the drift view opens, usually before
// the JIT has warmed up, so they avoid per-point closures and temporary objects.
import { visibleRange, type BandColumns, type Columnar } from "./decimate.js";

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
 * Fills a CI band over [x0, x1]: the polygons bandSegments(…, "split") describes (per-column envelope when denser
 * than the pixels; a point without a CI splits the band), drawn as they are found from scratch arrays instead of a
 * point object per band point.
 */
export function fillBand(ctx: PathSink, b: BandColumns, x0: number, x1: number, m: Linear): void {
  const [start, end] = visibleRange(b.xs, x0, x1);
  let count = 0;
  let first = -1;
  let last = -1;
  for (let i = start; i < end; i++) {
    if (Number.isNaN(b.lo[i]!) || Number.isNaN(b.hi[i]!)) continue;
    if (first < 0) first = i;
    last = i;
    count++;
  }
  const reduce = count >= 2 && count > Math.abs(m.ax * (b.xs[last]! - b.xs[first]!));
  let n = 0;
  const put = (x: number, lo: number, hi: number) => {
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
  };
  let col = NaN;
  let firstX = 0;
  let lastX = 0;
  let lo = 0;
  let hi = 0;
  const emit = () => {
    if (Number.isNaN(col)) return;
    put(firstX, lo, hi);
    if (lastX !== firstX) put(lastX, lo, hi);
    col = NaN;
  };
  const endSegment = () => {
    emit();
    if (n === 0) return;
    // Screen y grows downwards: the high edge is the smaller y. Along the top, then back along the bottom.
    ctx.moveTo(m.ax * segX[0]! + m.bx, m.ay * segHi[0]! + m.by);
    for (let k = 1; k < n; k++) ctx.lineTo(m.ax * segX[k]! + m.bx, m.ay * segHi[k]! + m.by);
    for (let k = n - 1; k >= 0; k--) ctx.lineTo(m.ax * segX[k]! + m.bx, m.ay * segLo[k]! + m.by);
    ctx.closePath();
    n = 0;
  };
  ctx.beginPath();
  for (let i = start; i < end; i++) {
    const l = b.lo[i]!;
    const u = b.hi[i]!;
    const x = b.xs[i]!;
    if (Number.isNaN(l) || Number.isNaN(u)) {
      endSegment();
      continue;
    }
    if (!reduce) {
      put(x, l, u);
      continue;
    }
    const c = Math.floor(m.ax * x + m.bx);
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
  endSegment();
  ctx.fill();
}
