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
  const start = Math.max(0, bound(c.xs, x0, false) - 1);
  const end = Math.min(c.xs.length, bound(c.xs, x1, true) + 1);
  const out: XY[] = [];
  if (end - start <= 4) {
    for (let i = start; i < end; i++) out.push({ x: c.xs[i]!, y: Number.isNaN(c.ys[i]!) ? null : c.ys[i]! });
    return out;
  }
  let col = NaN;
  let first = -1;
  let min = -1;
  let max = -1;
  let last = -1;
  const flush = () => {
    if (first < 0) return;
    const idx = [first, min, max, last].filter((v, i, a) => a.indexOf(v) === i).sort((a, b) => a - b);
    for (const i of idx) out.push({ x: c.xs[i]!, y: c.ys[i]! });
  };
  for (let i = start; i < end; i++) {
    const y = c.ys[i]!;
    if (Number.isNaN(y)) {
      // A gap stays a gap: flush, then keep the null so the line breaks here.
      flush();
      first = min = max = last = -1;
      col = NaN;
      out.push({ x: c.xs[i]!, y: null });
      continue;
    }
    const k = Math.floor(px(c.xs[i]!));
    if (k !== col) {
      flush();
      col = k;
      first = min = max = last = i;
      continue;
    }
    if (y < c.ys[min]!) min = i;
    if (y > c.ys[max]!) max = i;
    last = i;
  }
  flush();
  return out;
}

/** Decimates a whole series (sorted by x). */
export function decimateMinMax(points: readonly XY[], px: (x: number) => number): XY[] {
  if (points.length === 0) return [];
  const c = columnar(points);
  return decimateRange(c, c.xs[0]!, c.xs[c.xs.length - 1]!, px);
}
