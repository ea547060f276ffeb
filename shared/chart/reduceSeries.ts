// Per-pixel-column reduction of a score series before it leaves the core: a panel of W pixel columns cannot show
// more than a lowest and a highest value per column, so a series holding more points than that (10,000 checkpoints
// in a 440-pixel panel) is cut to each column's minimum and maximum mean, in step order. Every spike survives
// (the extreme of its column is kept), every kept point is a real checkpoint with its own interval (a click opens
// it), a null (a gap in the line) is kept once per column, and the first and last points of the range are always
// kept, so the line runs to the panel's edges.

export interface Reduction {
  /** Pixel columns of the panel's plot (times the device pixel ratio). */
  columns: number;
  /** The step range shown (a zoom); points beyond it are dropped but for one on each side. */
  range?: readonly [number, number] | null;
}

/** Indexes of the points within [lo, hi] plus one beyond each end. */
function rangeIndexes(steps: ArrayLike<number>, range: Reduction["range"]): [number, number] {
  if (!range) return [0, steps.length];
  let start = 0;
  while (start < steps.length && steps[start]! < range[0]) start++;
  let end = start;
  while (end < steps.length && steps[end]! <= range[1]) end++;
  return [Math.max(0, start - 1), Math.min(steps.length, end + 1)];
}

/** The indexes of a series' points to keep: every point when they fit in the columns, else per column its
 * lowest and highest (and first missing value), in index order. A missing value is a null or NaN (typed columns). */
export function keptIndexes(steps: ArrayLike<number>, values: ArrayLike<number | null>, r: Reduction): number[] {
  const [start, end] = rangeIndexes(steps, r.range);
  const all = (): number[] => Array.from({ length: end - start }, (_, k) => start + k);
  if (end - start <= Math.max(2, r.columns)) return all();
  const x0 = steps[start]!;
  const span = steps[end - 1]! - x0;
  if (!(span > 0)) return all();
  const columns = Math.max(1, Math.floor(r.columns));
  const kept: number[] = [];
  let col = -1;
  let lo = -1;
  let hi = -1;
  let gap = -1;
  // A column's picks (lowest, highest, first null; -1 when absent) in index order, each once. Without a temporary
  // array: this runs once per pixel column of every series the drift view sends (2,000 series x 440 columns).
  const flush = () => {
    let a = lo;
    let b = hi;
    let c = gap;
    let t: number;
    if (a > b) {
      t = a;
      a = b;
      b = t;
    }
    if (b > c) {
      t = b;
      b = c;
      c = t;
    }
    if (a > b) {
      t = a;
      a = b;
      b = t;
    }
    if (a >= 0) kept.push(a);
    if (b >= 0 && b !== a) kept.push(b);
    if (c >= 0 && c !== b) kept.push(c);
    lo = hi = gap = -1;
  };
  for (let i = start; i < end; i++) {
    const c = Math.min(columns - 1, Math.floor(((steps[i]! - x0) / span) * columns));
    if (c !== col) {
      if (col >= 0) flush();
      col = c;
    }
    const v = values[i];
    if (v === null || v === undefined || v !== v) {
      if (gap < 0) gap = i;
      continue;
    }
    if (lo < 0 || v < values[lo]!) lo = i;
    if (hi < 0 || v > values[hi]!) hi = i;
  }
  flush();
  if (kept[0] !== start) kept.unshift(start);
  if (kept[kept.length - 1] !== end - 1) kept.push(end - 1);
  return kept;
}

/** The points to keep (null: all of them) and, when fewer are kept than the range held, how many it held. */
export function reducedIndexes(steps: ArrayLike<number>, values: ArrayLike<number | null>, r: Reduction): { kept: number[] | null; of?: number } {
  const kept = keptIndexes(steps, values, r);
  if (kept.length === steps.length) return { kept: null };
  const [start, end] = rangeIndexes(steps, r.range);
  return kept.length < end - start ? { kept, of: end - start } : { kept };
}
