// Per-pixel-column min/max decimation (as uPlot does): a long series is reduced to at most four points per pixel
// column (first, min, max, last), so the drawn line keeps every spike while the point count stays bounded.
export interface XY {
  x: number;
  y: number | null;
}

/** xs must be sorted. px maps x to a pixel column; returns the points to draw, in order. */
export function decimateMinMax(points: readonly XY[], px: (x: number) => number): XY[] {
  if (points.length <= 4) return [...points];
  const out: XY[] = [];
  let col = NaN;
  let first: XY | null = null;
  let min: XY | null = null;
  let max: XY | null = null;
  let last: XY | null = null;
  const flush = () => {
    if (!first) return;
    const group = [first, min, max, last].filter((p, i, a): p is XY => p !== null && a.indexOf(p) === i);
    group.sort((a, b) => a.x - b.x);
    out.push(...group);
  };
  for (const p of points) {
    if (p.y === null) {
      // A gap stays a gap: flush, then keep the null so the line breaks here.
      flush();
      first = min = max = last = null;
      col = NaN;
      out.push(p);
      continue;
    }
    const c = Math.floor(px(p.x));
    if (c !== col) {
      flush();
      col = c;
      first = min = max = last = p;
      continue;
    }
    if (p.y < min!.y!) min = p;
    if (p.y > max!.y!) max = p;
    last = p;
  }
  flush();
  return out;
}
