// Per-pixel-column min/max decimation (as uPlot does): a long series is reduced to at most four points per pixel
// column (first, min, max, last), so the drawn line keeps every spike while the point count stays bounded.
// Series are kept as typed arrays (built once per series) and the visible range is found by binary search, so a
// pan over a million points touches only what is on screen, once.
export interface XY {
  x: number;
  y: number | null;
}

export interface Columnar {
  xs: Float64Array;
  /** NaN marks a gap (a null value). */
  ys: Float64Array;
  /** Per bucket of BUCKET points: where its minimum and maximum are, and whether it holds a gap (built on demand). */
  buckets?: { min: Int32Array; max: Int32Array; gap: Uint8Array };
}

/** Points per bucket of the min/max summary used when many points share a pixel column. */
const BUCKET = 32;

function buckets(c: Columnar): NonNullable<Columnar["buckets"]> {
  if (c.buckets) return c.buckets;
  const n = Math.ceil(c.xs.length / BUCKET);
  const min = new Int32Array(n);
  const max = new Int32Array(n);
  const gap = new Uint8Array(n);
  for (let b = 0; b < n; b++) {
    const from = b * BUCKET;
    const to = Math.min(c.xs.length, from + BUCKET);
    let lo = -1;
    let hi = -1;
    for (let i = from; i < to; i++) {
      const y = c.ys[i]!;
      if (Number.isNaN(y)) {
        gap[b] = 1;
        continue;
      }
      if (lo < 0 || y < c.ys[lo]!) lo = i;
      if (hi < 0 || y > c.ys[hi]!) hi = i;
    }
    min[b] = lo;
    max[b] = hi;
  }
  c.buckets = { min, max, gap };
  return c.buckets;
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
function bound(xs: Float64Array, v: number, strict: boolean): number {
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
  if ((end - start) / span > 4 * BUCKET) {
    // Many points per pixel column: walk the per-bucket minima and maxima (plus each bucket's first and last point)
    // instead of every point. Each bucket's extremes are kept at their own x, so no spike is lost.
    const bk = buckets(c);
    const firstBucket = Math.ceil(start / BUCKET);
    const lastBucket = Math.floor(end / BUCKET); // exclusive
    const raw = (from: number, to: number) => {
      for (let i = from; i < to; i++) visit(i);
    };
    raw(start, Math.min(end, firstBucket * BUCKET));
    for (let bIdx = firstBucket; bIdx < lastBucket; bIdx++) {
      const from = bIdx * BUCKET;
      if (bk.gap[bIdx]) {
        raw(from, from + BUCKET);
        continue;
      }
      const lo = bk.min[bIdx]!;
      const hi = bk.max[bIdx]!;
      const order = [from, lo, hi, from + BUCKET - 1].filter((v, i, arr) => arr.indexOf(v) === i).sort((p, q) => p - q);
      for (const i of order) take(i);
    }
    raw(Math.max(start, lastBucket * BUCKET), end);
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
export function visibleRange(xs: Float64Array, x0: number, x1: number, pad = 1): [number, number] {
  return [Math.max(0, bound(xs, x0, false) - pad), Math.min(xs.length, bound(xs, x1, true) + pad)];
}

export interface BandColumns {
  xs: Float64Array;
  /** NaN where a point has no CI. */
  lo: Float64Array;
  hi: Float64Array;
}

const bandCache = new WeakMap<readonly XY[], BandColumns>();

/**
 * A series' points as typed columns, built once by whoever makes the series (the drift view builds them straight
 * from the core's columns, without a point object each). `ys` holds NaN where y is null; `lo`/`hi` NaN where a point
 * has no CI or no value, as bandColumns() makes them.
 */
export interface SeriesColumns extends Columnar {
  lo?: Float64Array;
  hi?: Float64Array;
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
  const v = (a: Float64Array | undefined) => (a === undefined || Number.isNaN(a[i]!) ? null : a[i]!);
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
