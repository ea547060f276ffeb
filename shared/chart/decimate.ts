// Per-pixel-column min/max decimation (as uPlot does): a long series is reduced to at most four points per pixel
// column (first, min, max, last), so the drawn line keeps every spike while the point count stays bounded.
// Series are kept as typed arrays (built once per series) and the visible range is found by binary search. When many
// points share a column, the column's extremes come from a min/max pyramid over the points' indexes, so a pan over a
// million points costs a few dozen steps per column instead of a look at every point.
export interface XY {
  x: number;
  y: number | null;
}

/** A column of numbers as the chart reads it: the core's wire columns (Int32 steps, Float32 values) are drawn as
 * they arrive, without a copy into Float64 (writing tens of megabytes of new arrays cost the page a third of a second
 * over 100 runs). */
export type NumberColumn = Float64Array | Float32Array | Int32Array;

export interface Columnar {
  xs: NumberColumn;
  /** NaN marks a gap (a null value). */
  ys: NumberColumn;
  /** The min/max pyramid over the points (built on first use by a dense range). */
  pyramid?: Pyramid;
}

/** Points in a block of the pyramid's lowest level; each level above has blocks twice as long. */
const LEAF = 16;
const LEAF_BITS = 4;

/**
 * Per block of each level: where its minimum and maximum are (the first such point, as a scan from the left finds
 * it), and whether it holds a gap. About 1 MB for a million points.
 */
interface Pyramid {
  levels: { min: Int32Array; max: Int32Array; gap: Uint8Array }[];
}

function pyramid(c: Columnar): Pyramid {
  if (c.pyramid) return c.pyramid;
  const ys = c.ys;
  const n0 = Math.floor(ys.length / LEAF);
  const base = { min: new Int32Array(n0), max: new Int32Array(n0), gap: new Uint8Array(n0) };
  for (let b = 0; b < n0; b++) {
    let lo = -1;
    let hi = -1;
    for (let i = b * LEAF; i < (b + 1) * LEAF; i++) {
      const y = ys[i]!;
      if (Number.isNaN(y)) {
        base.gap[b] = 1;
        continue;
      }
      if (lo < 0 || y < ys[lo]!) lo = i;
      if (hi < 0 || y > ys[hi]!) hi = i;
    }
    base.min[b] = lo;
    base.max[b] = hi;
  }
  const levels = [base];
  for (let below = base; below.min.length >= 2; ) {
    const n = below.min.length >> 1;
    const up = { min: new Int32Array(n), max: new Int32Array(n), gap: new Uint8Array(n) };
    for (let b = 0; b < n; b++) {
      const l = 2 * b;
      const r = l + 1;
      up.gap[b] = below.gap[l]! | below.gap[r]!;
      // The left block's extreme wins a tie: the first such point, as a scan finds it.
      const lmin = below.min[l]!;
      const rmin = below.min[r]!;
      up.min[b] = lmin < 0 ? rmin : rmin < 0 || ys[lmin]! <= ys[rmin]! ? lmin : rmin;
      const lmax = below.max[l]!;
      const rmax = below.max[r]!;
      up.max[b] = lmax < 0 ? rmax : rmax < 0 || ys[lmax]! >= ys[rmax]! ? lmax : rmax;
    }
    levels.push(up);
    below = up;
  }
  c.pyramid = { levels };
  return c.pyramid;
}

/** Where rangeExtremes writes its answer (one call at a time; no object per column). */
const extremes = { min: -1, max: -1 };

/**
 * The first minimum and first maximum of the points [a, b), exactly as a scan from the left finds them, from the
 * largest aligned pyramid blocks that fit; false when the range holds a gap (the caller then walks it point by point).
 */
function rangeExtremes(c: Columnar, p: Pyramid, a: number, b: number): boolean {
  const ys = c.ys;
  let lo = -1;
  let hi = -1;
  let i = a;
  while (i < b) {
    let k = -1;
    if ((i & (LEAF - 1)) === 0 && i + LEAF <= b && i >> LEAF_BITS < p.levels[0]!.min.length) {
      k = 0;
      while (k + 1 < p.levels.length) {
        const size = LEAF << (k + 1);
        if (i % size !== 0 || i + size > b || i / size >= p.levels[k + 1]!.min.length) break;
        k++;
      }
    }
    if (k < 0) {
      const y = ys[i]!;
      if (Number.isNaN(y)) return false;
      if (lo < 0 || y < ys[lo]!) lo = i;
      if (hi < 0 || y > ys[hi]!) hi = i;
      i++;
      continue;
    }
    const level = p.levels[k]!;
    const block = i / (LEAF << k);
    if (level.gap[block]) return false;
    const m = level.min[block]!;
    const x = level.max[block]!;
    if (lo < 0 || ys[m]! < ys[lo]!) lo = m;
    if (hi < 0 || ys[x]! > ys[hi]!) hi = x;
    i += LEAF << k;
  }
  extremes.min = lo;
  extremes.max = hi;
  return lo >= 0;
}

const cache = new WeakMap<readonly XY[], Columnar>();

/** The typed-array form of a series (sorted by x), computed once per points array. */
export function columnar(points: readonly XY[]): Columnar {
  let c = cache.get(points);
  if (!c) {
    const xs = new Float64Array(points.length);
    const ys = new Float64Array(points.length);
    for (let i = 0; i < points.length; i++) {
      xs[i] = points[i]!.x;
      const y = points[i]!.y;
      ys[i] = y === null ? NaN : y;
    }
    c = { xs, ys };
    cache.set(points, c);
  }
  return c;
}

/** First index whose x is >= v (strict: > v). */
function bound(xs: NumberColumn, v: number, strict: boolean): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < v || (strict && xs[mid]! === v)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The points to draw for the x range [x0, x1] (plus one point beyond each edge, so lines run to the border),
 * at most four per pixel column. px maps x to a pixel position.
 */
export function decimateRange(c: Columnar, x0: number, x1: number, px: (x: number) => number): XY[] {
  const { idx, n } = decimateIndices(c, x0, x1, px);
  const out: XY[] = new Array<XY>(n);
  for (let k = 0; k < n; k++) {
    const i = idx[k]!;
    out[k] = { x: c.xs[i]!, y: Number.isNaN(c.ys[i]!) ? null : c.ys[i]! };
  }
  return out;
}

/** Points per pixel column above which a range's columns are read from the pyramid instead of point by point. */
const DENSE = 64;

/** Where decimateIndices writes (grown as needed, reused by every call). */
let scratch = new Int32Array(4096);

/**
 * The indexes of the points decimateRange draws, in drawing order (a point whose y is NaN is a gap), in a scratch
 * array that the next call reuses: the canvas reads the columns at these indexes, with no point object per point.
 */
export function decimateIndices(c: Columnar, x0: number, x1: number, px: (x: number) => number): { idx: Int32Array; n: number } {
  const [start, end] = visibleRange(c.xs, x0, x1);
  let n = 0;
  const emit = (i: number) => {
    if (n === scratch.length) {
      const grown = new Int32Array(scratch.length * 2);
      grown.set(scratch);
      scratch = grown;
    }
    scratch[n++] = i;
  };
  if (end - start <= 4) {
    for (let i = start; i < end; i++) emit(i);
    return { idx: scratch, n };
  }
  // The scale is linear: one multiply-add per point instead of a function call.
  const a = px(1) - px(0);
  const b0 = px(0);
  let col = NaN;
  let first = -1;
  let min = -1;
  let max = -1;
  let last = -1;
  // A column's first, min, max and last points in index order, each once (first <= min, max <= last). Written
  // without temporary arrays: this runs once per pixel column of every series on every frame.
  const flush = () => {
    if (first < 0) return;
    const lo = min < max ? min : max;
    const hi = min < max ? max : min;
    emit(first);
    if (lo !== first) emit(lo);
    if (hi !== lo && hi !== first) emit(hi);
    if (last !== hi && last !== lo && last !== first) emit(last);
    first = min = max = last = -1;
  };
  const take = (i: number) => {
    const y = c.ys[i]!;
    const k = Math.floor(a * c.xs[i]! + b0);
    if (k !== col) {
      flush();
      col = k;
      first = min = max = last = i;
      return;
    }
    if (y < c.ys[min]!) min = i;
    if (y > c.ys[max]!) max = i;
    last = i;
  };
  const gapAt = (i: number) => {
    flush();
    col = NaN;
    emit(i);
  };
  const visit = (i: number) => {
    if (Number.isNaN(c.ys[i]!)) gapAt(i);
    else take(i);
  };
  const span = Math.abs(a * (c.xs[end - 1]! - c.xs[start]!)) + 1;
  if ((end - start) / span > DENSE) {
    // Many points per pixel column: each column's index range is found by binary search, and its first, minimum,
    // maximum and last points come from the pyramid. The same points a walk over every point picks, in a few
    // dozen steps per column; a column holding a gap is walked point by point, so its gap is drawn as before.
    const p = pyramid(c);
    const colOf = (i: number) => Math.floor(a * c.xs[i]! + b0);
    let i = start;
    while (i < end) {
      const k = colOf(i);
      // The column index is monotone in the point index (xs are sorted): the first point of the next column.
      let lo = i + 1;
      let hi = end;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (colOf(mid) === k) lo = mid + 1;
        else hi = mid;
      }
      if (lo - i > LEAF && rangeExtremes(c, p, i, lo)) {
        flush();
        col = k;
        first = i;
        min = extremes.min;
        max = extremes.max;
        last = lo - 1;
      } else for (let j = i; j < lo; j++) visit(j);
      i = lo;
    }
  } else {
    for (let i = start; i < end; i++) visit(i);
  }
  flush();
  return { idx: scratch, n };
}

/**
 * The index range [start, end) of the points in [x0, x1], by default padded by one point each side (lines run to
 * the border).
 */
export function visibleRange(xs: NumberColumn, x0: number, x1: number, pad = 1): [number, number] {
  return [Math.max(0, bound(xs, x0, false) - pad), Math.min(xs.length, bound(xs, x1, true) + pad)];
}

export interface BandColumns {
  xs: NumberColumn;
  /** NaN where a point has no CI. */
  lo: NumberColumn;
  hi: NumberColumn;
}

const bandCache = new WeakMap<readonly XY[], BandColumns>();

/**
 * A series' points as typed columns, built once by whoever makes the series (the drift view builds them straight
 * from the core's columns, without a point object each). `ys` holds NaN where y is null; `lo`/`hi` NaN where a point
 * has no CI or no value, as bandColumns() makes them.
 */
export interface SeriesColumns extends Columnar {
  lo?: NumberColumn;
  hi?: NumberColumn;
}

/** The typed form of a series: its own columns when it has them, else built from (and cached by) its points. */
export function seriesColumnar(s: { readonly points: readonly XY[]; readonly columns?: SeriesColumns }): Columnar {
  return s.columns ?? columnar(s.points);
}

/** A series' CI as typed arrays: its own columns when they hold the CI, else built from its points. */
export function seriesBand(s: { readonly points: readonly (XY & { lo?: number | null; hi?: number | null })[]; readonly columns?: SeriesColumns }): BandColumns {
  const c = s.columns;
  return c?.lo && c.hi ? (c as BandColumns) : bandColumns(s.points);
}

/** The point at index i, from the columns when the series has them (no point objects are built for a tooltip). */
export function pointAt(s: { readonly points: readonly (XY & { lo?: number | null; hi?: number | null })[]; readonly columns?: SeriesColumns }, i: number): (XY & { lo?: number | null; hi?: number | null }) | undefined {
  const c = s.columns;
  if (!c) return s.points[i];
  if (i < 0 || i >= c.xs.length) return undefined;
  const v = (a: NumberColumn | undefined) => (a === undefined || Number.isNaN(a[i]!) ? null : a[i]!);
  return { x: c.xs[i]!, y: v(c.ys), lo: v(c.lo), hi: v(c.hi) };
}

/** A series' CI as typed arrays, built once per points array (for drawing bands without per-point objects). */
export function bandColumns(points: readonly (XY & { lo?: number | null; hi?: number | null })[]): BandColumns {
  let b = bandCache.get(points);
  if (!b) {
    const n = points.length;
    b = { xs: new Float64Array(n), lo: new Float64Array(n), hi: new Float64Array(n) };
    for (let i = 0; i < n; i++) {
      const p = points[i]!;
      b.xs[i] = p.x;
      b.lo[i] = p.lo == null || p.y === null ? NaN : p.lo;
      b.hi[i] = p.hi == null || p.y === null ? NaN : p.hi;
    }
    bandCache.set(points, b);
  }
  return b;
}

export interface BandPoint {
  x: number;
  lo: number;
  hi: number;
}

/** Where walkBand hands a band's vertices, and each segment's end. */
export interface BandSink {
  point(x: number, lo: number, hi: number): void;
  end(): void;
}

/**
 * Walks a CI band over the points [start, end): its polygons' vertices along the band, in x order, and the end of
 * each segment. Points without a CI either split the band ("split", the app) or are passed over ("join", as exports
 * have always drawn it). When more points than pixel columns are drawn, the band is reduced to its envelope per
 * column (lowest low, highest high, at the column's first and last x), so it is never drawn narrower than the data.
 * Plain loops: the app runs this for every series when it opens.
 */
export function walkBand(b: BandColumns, start: number, end: number, px: (x: number) => number, gaps: "split" | "join", sink: BandSink): void {
  let count = 0;
  let first = -1;
  let last = -1;
  for (let i = start; i < end; i++) {
    if (Number.isNaN(b.lo[i]!) || Number.isNaN(b.hi[i]!)) continue;
    if (first < 0) first = i;
    last = i;
    count++;
  }
  const reduce = count >= 2 && count > Math.abs(px(b.xs[last]!) - px(b.xs[first]!));
  let open = false;
  let col = NaN;
  let firstX = 0;
  let lastX = 0;
  let lo = 0;
  let hi = 0;
  const put = (x: number, l: number, u: number) => {
    sink.point(x, l, u);
    open = true;
  };
  const emit = () => {
    if (Number.isNaN(col)) return;
    put(firstX, lo, hi);
    if (lastX !== firstX) put(lastX, lo, hi);
    col = NaN;
  };
  const endSegment = () => {
    emit();
    if (open) sink.end();
    open = false;
  };
  for (let i = start; i < end; i++) {
    const l = b.lo[i]!;
    const u = b.hi[i]!;
    const x = b.xs[i]!;
    if (Number.isNaN(l) || Number.isNaN(u)) {
      if (gaps === "split") endSegment();
      continue;
    }
    if (!reduce) {
      put(x, l, u);
      continue;
    }
    const c = Math.floor(px(x));
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
}

/** A CI band over the points [start, end), as polygons to fill (see walkBand). */
export function bandSegments(b: BandColumns, start: number, end: number, px: (x: number) => number, gaps: "split" | "join"): BandPoint[][] {
  const segments: BandPoint[][] = [];
  let seg: BandPoint[] = [];
  walkBand(b, start, end, px, gaps, {
    point: (x, lo, hi) => seg.push({ x, lo, hi }),
    end: () => {
      segments.push(seg);
      seg = [];
    },
  });
  return segments;
}

/** How many points lie in [x0, x1] (binary search; no scan). */
export function countInRange(c: Columnar, x0: number, x1: number): number {
  return Math.max(0, bound(c.xs, x1, true) - bound(c.xs, x0, false));
}

/** Decimates a whole series (sorted by x). */
export function decimateMinMax(points: readonly XY[], px: (x: number) => number): XY[] {
  if (points.length === 0) return [];
  const c = columnar(points);
  return decimateRange(c, c.xs[0]!, c.xs[c.xs.length - 1]!, px);
}

/** Index of the point whose x is nearest to v (or -1 for an empty series). */
export function nearestIndex(c: Columnar, v: number): number {
  if (c.xs.length === 0) return -1;
  const i = bound(c.xs, v, false);
  if (i <= 0) return 0;
  if (i >= c.xs.length) return c.xs.length - 1;
  return v - c.xs[i - 1]! <= c.xs[i]! - v ? i - 1 : i;
}

/** Index of the point at exactly x, or -1. */
export function indexAt(c: Columnar, x: number): number {
  const i = bound(c.xs, x, false);
  return i < c.xs.length && c.xs[i] === x ? i : -1;
}
