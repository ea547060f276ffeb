import assert from "node:assert/strict";
import { test } from "node:test";
import { bandColumns, bandSegments, columnar, decimateIndices, decimateMinMax, decimateRange, visibleRange } from "../../shared/chart/decimate.js";
import { debiasedEma } from "../../shared/chart/smoothing.js";
import { groupMeans } from "../../shared/chart/groupMeans.js";

const series = (n: number, f: (i: number) => number | null) => Array.from({ length: n }, (_, i) => ({ x: i, y: f(i) }));

test("decimation keeps every spike and bounds the points to four per pixel column", () => {
  const pts = series(1_000_000, (i) => (i === 654_321 ? 50 : i === 123_456 ? -40 : Math.sin(i / 1000)));
  const width = 800;
  const px = (x: number) => (x / 1_000_000) * width;
  const out = decimateMinMax(pts, px);
  assert.ok(out.length <= 4 * (width + 1), `${out.length} points`);
  assert.ok(out.some((p) => p.x === 654_321 && p.y === 50), "the spike up survives");
  assert.ok(out.some((p) => p.x === 123_456 && p.y === -40), "the spike down survives");
  assert.deepEqual(out.map((p) => p.x), [...out.map((p) => p.x)].sort((a, b) => a - b));
});

test("a visible range is found by binary search and padded by one point each side", () => {
  const pts = series(1000, (i) => i);
  const c = columnar(pts);
  assert.equal(columnar(pts), c, "the typed-array form is built once per series");
  const out = decimateRange(c, 100, 103, (x) => x * 10);
  assert.deepEqual(out.map((p) => p.x), [99, 100, 101, 102, 103, 104]);
});

test("gaps (null values) stay gaps", () => {
  const pts = series(100, (i) => (i >= 40 && i < 50 ? null : 1));
  const out = decimateMinMax(pts, (x) => x / 10);
  assert.ok(out.some((p) => p.y === null));
  assert.ok(!out.some((p) => p.y === null && (p.x < 40 || p.x >= 50)));
});

test("debiased EMA: early values are not pulled toward zero; nulls stay null", () => {
  assert.deepEqual(debiasedEma([5, null, 5], 0.9), [5, null, 5]);
  const s = debiasedEma([0, 10, 10, 10], 0.5);
  assert.equal(s[0], 0);
  assert.ok(s[3]! > 8 && s[3]! < 10);
  assert.deepEqual(debiasedEma([1, 2], 0), [1, 2]);
});

/** The picks by definition: every point visited, a column's first, minimum, maximum and last in index order (the
 * first of equal extremes), a gap's point on its own, ending its column. */
function picksByScan(xs: Float64Array, ys: Float64Array, start: number, end: number, px: (x: number) => number): number[] {
  const out: number[] = [];
  let col = NaN;
  let g: number[] | null = null; // first, min, max, last
  const flush = () => {
    if (!g) return;
    const [f, mn, mx, l] = g as [number, number, number, number];
    for (const i of [...new Set([f, Math.min(mn, mx), Math.max(mn, mx), l])].sort((p, q) => p - q)) out.push(i);
    g = null;
  };
  for (let i = start; i < end; i++) {
    if (Number.isNaN(ys[i]!)) {
      flush();
      col = NaN;
      out.push(i);
      continue;
    }
    const k = Math.floor(px(xs[i]!));
    if (k !== col || !g) {
      flush();
      col = k;
      g = [i, i, i, i];
      continue;
    }
    if (ys[i]! < ys[g[1]!]!) g[1] = i;
    if (ys[i]! > ys[g[2]!]!) g[2] = i;
    g[3] = i;
  }
  flush();
  return out;
}

test("dense ranges read from the min/max pyramid pick exactly the points a scan of every point picks", () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  for (const [n, width, gaps, ties] of [
    [1_000_000, 440, 0, false],
    [300_000, 1300, 30, false],
    [200_003, 97, 5, true],
    [50_000, 700, 200, true],
  ] as const) {
    const xs = new Float64Array(n);
    const ys = new Float64Array(n);
    let x = 0;
    for (let i = 0; i < n; i++) {
      x += 0.5 + rnd(); // uneven spacing
      xs[i] = x;
      const v = Math.sin(i / 3000) + 0.3 * rnd() + (rnd() < 1e-4 ? 20 * (rnd() - 0.5) : 0);
      ys[i] = ties ? Math.round(v * 4) / 4 : v; // coarse values: many equal extremes
    }
    for (let g = 0; g < gaps; g++) {
      const at = Math.floor(rnd() * n);
      for (let i = at; i < Math.min(n, at + 1 + Math.floor(rnd() * 40)); i++) ys[i] = NaN;
    }
    const c = { xs, ys };
    for (const [f0, f1] of [[0, 1], [0.1, 0.35], [0.5, 0.5004], [0.9, 1.2]] as const) {
      const x0 = xs[0]! + f0 * (xs[n - 1]! - xs[0]!);
      const x1 = xs[0]! + f1 * (xs[n - 1]! - xs[0]!);
      const px = (v: number) => ((v - x0) / (x1 - x0)) * width;
      const { idx, n: count } = decimateIndices(c, x0, x1, px);
      const got = [...idx.subarray(0, count)];
      const [start, end] = visibleRange(xs, x0, x1);
      assert.deepEqual(got, picksByScan(xs, ys, start, end, px), `${n} points, ${width} px, range ${f0}-${f1}`);
    }
  }
});

test("the pyramid keeps spikes and gaps in a very dense range", () => {
  const n = 2_000_000;
  const pts = series(n, (i) => (i === 1_234_567 ? 99 : i === 777_777 ? -99 : i >= 1_500_000 && i < 1_500_010 ? null : Math.cos(i / 3000)));
  const out = decimateMinMax(pts, (x) => (x / n) * 300); // ~6,700 points per column
  assert.ok(out.length <= 4 * 301 + 20, `${out.length} points`);
  assert.ok(out.some((p) => p.x === 1_234_567 && p.y === 99));
  assert.ok(out.some((p) => p.x === 777_777 && p.y === -99));
  assert.ok(out.some((p) => p.y === null && p.x >= 1_500_000 && p.x < 1_500_010), "the gap survives");
});

test("group means: the mean across a group's runs per step, whether or not the runs share their steps; the band only from the core's bootstrap", () => {
  const runs = [
    { id: 1, group: "base" },
    { id: 2, group: "base" },
    { id: 3, group: "base" },
    { id: 4, group: null },
  ];
  const s = (id: number, pts: [number, number | null][]) => ({ key: `run:${id}`, label: `r${id}`, colour: "#000000", points: pts.map(([x, y]) => ({ x, y })) });
  const aligned = groupMeans(runs, [s(1, [[10, 0.1], [20, 0.5]]), s(2, [[10, 0.3], [20, null]]), s(3, [[10, 0.2], [20, 0.7]]), s(4, [[10, 9], [20, 9]])]);
  assert.equal(aligned.length, 1, "one group; the ungrouped run is left out");
  const [m10, m20] = aligned[0]!.points;
  assert.ok(Math.abs(m10!.y! - 0.2) < 1e-12);
  assert.ok(m10!.lo === null && m10!.hi === null, "no bootstrap band given: no band (never the mean ± 1.96·SD/√n of three seeds)");
  const banded = groupMeans(runs, [s(1, [[10, 0.1], [20, 0.5]]), s(2, [[10, 0.3], [20, null]]), s(3, [[10, 0.2], [20, 0.7]])], new Map([["base", { group: "base", trait: "t", context: "c", steps: [20], seeds: [2], ciLow: [0.4], ciHigh: [0.8] }]]));
  assert.deepEqual(banded[0]!.points.map((p) => [p.x, p.lo, p.hi]), [[10, null, null], [20, 0.4, 0.8]], "the band where the core has one, at its step");
  assert.ok(Math.abs(m20!.y! - 0.6) < 1e-12, "a null value is left out of its step");
  // The same values at steps that are not shared by every run give the same means where two or more runs have one.
  const ragged = groupMeans(runs, [s(1, [[10, 0.1], [20, 0.5], [30, 0.9]]), s(2, [[10, 0.3]]), s(3, [[10, 0.2], [20, 0.7]])]);
  assert.deepEqual(ragged[0]!.points.map((p) => p.x), [10, 20], "step 30 has one run only");
  assert.deepEqual(ragged[0]!.points[0], aligned[0]!.points[0]);
  assert.deepEqual(ragged[0]!.points[1]!.y, m20!.y);
  assert.equal(aligned[0]!.label, "base (mean of 3)");
});

test("CI bands: dense bands keep their per-column envelope; a point without a CI splits or is passed over", () => {
  const pts = Array.from({ length: 1000 }, (_, i) => ({ x: i, y: 0.5, lo: i === 500 ? -3 : 0.4, hi: i === 700 ? 9 : 0.6 }));
  const b = bandColumns(pts);
  const px = (x: number) => x / 10; // 100 columns for 1000 points
  const [seg] = bandSegments(b, 0, 1000, px, "join");
  assert.ok(seg!.length <= 200, `${seg!.length} points`);
  assert.ok(seg!.some((p) => p.lo === -3) && seg!.some((p) => p.hi === 9), "the outliers survive in their columns");
  const sparse = bandSegments(b, 0, 50, (x) => x * 4, "join")[0]!;
  assert.deepEqual(sparse.slice(0, 2), [{ x: 0, lo: 0.4, hi: 0.6 }, { x: 1, lo: 0.4, hi: 0.6 }], "sparse bands keep every point");
  const gappy = bandColumns([
    { x: 0, y: 1, lo: 0, hi: 2 },
    { x: 1, y: 1, lo: 0, hi: 2 },
    { x: 2, y: 1, lo: null, hi: null },
    { x: 3, y: 1, lo: 0, hi: 2 },
  ]);
  assert.deepEqual(bandSegments(gappy, 0, 4, (x) => x * 10, "split").map((s) => s.map((p) => p.x)), [[0, 1], [3]]);
  assert.deepEqual(bandSegments(gappy, 0, 4, (x) => x * 10, "join").map((s) => s.map((p) => p.x)), [[0, 1, 3]]);
});
