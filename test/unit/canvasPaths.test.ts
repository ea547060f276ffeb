// The canvas drawing reads typed columns and scratch arrays; its paths must be exactly those the point-object
// functions describe: a band's polygons from bandSegments (split at points without a CI), a line from decimateRange
// (broken at nulls). Checked on random series, dense and sparse, with gaps.
import assert from "node:assert/strict";
import { test } from "node:test";
import { fillBand, strokeIndexed, type Linear, type PathSink } from "../../shared/chart/canvasPaths.js";
import { bandColumns, bandSegments, columnar, decimateIndices, decimateRange, visibleRange, type XY } from "../../shared/chart/decimate.js";

function recorder(): PathSink & { ops: string[] } {
  const ops: string[] = [];
  const r = (n: number) => n.toFixed(6);
  return {
    ops,
    beginPath: () => ops.push("B"),
    moveTo: (x, y) => ops.push(`M${r(x)},${r(y)}`),
    lineTo: (x, y) => ops.push(`L${r(x)},${r(y)}`),
    closePath: () => ops.push("Z"),
    stroke: () => ops.push("S"),
    fill: () => ops.push("F"),
  };
}

/** A random series: n points, some without a value or a CI, x increasing. */
function randomSeries(n: number, seed: number): (XY & { lo: number | null; hi: number | null })[] {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  let x = 0;
  return Array.from({ length: n }, () => {
    x += 1 + Math.floor(rnd() * 3);
    const y = rnd() < 0.05 ? null : rnd();
    const ci = rnd() < 0.05 ? null : rnd() * 0.1;
    return { x, y, lo: y === null || ci === null ? null : y - ci, hi: y === null || ci === null ? null : y + ci };
  });
}

test("fillBand draws exactly bandSegments' polygons, dense (reduced per column) and sparse", () => {
  for (const [n, width] of [[50, 400], [3000, 300], [20_000, 440], [7, 100]] as const) {
    for (let seed = 1; seed <= 5; seed++) {
      const pts = randomSeries(n, seed * 7 + n);
      const b = bandColumns(pts);
      const x0 = pts[Math.floor(n / 10)]!.x;
      const x1 = pts[Math.floor((9 * n) / 10)]!.x;
      const m: Linear = { ax: width / (x1 - x0), bx: 30 - (width / (x1 - x0)) * x0, ay: -180, by: 200 };
      const got = recorder();
      fillBand(got, b, x0, x1, m);
      const want = recorder();
      const [start, end] = visibleRange(b.xs, x0, x1);
      want.beginPath();
      for (const seg of bandSegments(b, start, end, (v) => m.ax * v + m.bx, "split")) {
        want.moveTo(m.ax * seg[0]!.x + m.bx, m.ay * seg[0]!.hi + m.by);
        for (let k = 1; k < seg.length; k++) want.lineTo(m.ax * seg[k]!.x + m.bx, m.ay * seg[k]!.hi + m.by);
        for (let k = seg.length - 1; k >= 0; k--) want.lineTo(m.ax * seg[k]!.x + m.bx, m.ay * seg[k]!.lo + m.by);
        want.closePath();
      }
      want.fill();
      assert.deepEqual(got.ops, want.ops, `n=${n} seed=${seed}`);
      assert.ok(got.ops.length > 3);
    }
  }
});

test("strokeIndexed draws exactly decimateRange's line, broken at nulls, with the same digest", () => {
  for (const [n, width] of [[40, 400], [5000, 300], [200_000, 440]] as const) {
    const pts = randomSeries(n, n);
    const c = columnar(pts);
    const x0 = pts[0]!.x;
    const x1 = pts[n - 1]!.x;
    const m: Linear = { ax: width / (x1 - x0), bx: 30 - (width / (x1 - x0)) * x0, ay: -180, by: 200 };
    const px = (v: number) => m.ax * v + m.bx;
    const got = recorder();
    const { idx, n: count } = decimateIndices(c, x0, x1, px);
    const digest = strokeIndexed(got, c, idx, count, m, 2166136261);
    // The reference: the decimated points, a pen lifted at each null.
    const want = recorder();
    let h = 2166136261;
    let pen = false;
    want.beginPath();
    for (const p of decimateRange(c, x0, x1, px)) {
      if (p.y === null) {
        pen = false;
        continue;
      }
      const x = m.ax * p.x + m.bx;
      const y = m.ay * p.y + m.by;
      if (pen) want.lineTo(x, y);
      else want.moveTo(x, y);
      pen = true;
      h = Math.imul(h ^ Math.round(x * 10), 16777619) >>> 0;
      h = Math.imul(h ^ Math.round(y * 10), 16777619) >>> 0;
    }
    want.stroke();
    assert.deepEqual(got.ops, want.ops, `n=${n}`);
    assert.equal(digest, h);
    if (n > 4 * width) assert.ok(count < n / 2, `${count} of ${n} points drawn in ${width} columns`);
  }
});
