// Alert conditions with known answers: crossings in step order, re-arming, intervals, jumps, trends, null shares,
// and the stall rule.
import assert from "node:assert/strict";
import { test } from "node:test";
import { firingSteps, slope, stalled, type SeriesPoint } from "../../main/core/alerts/conditions.js";

const pts = (means: (number | null)[], half = 0.05): SeriesPoint[] => means.map((m, i) => ({ step: (i + 1) * 10, mean: m, ciLow: m === null ? null : m - half, ciHigh: m === null ? null : m + half }));

test("above fires at each upward crossing in step order, re-arming only when the value comes back", () => {
  const s = pts([0.1, 0.3, 0.35, 0.1, 0.25, 0.2, 0.21]);
  assert.deepEqual(firingSteps(s, { kind: "above", value: 0.2, ci: false }).map((f) => f.step), [20, 50, 70]);
  // exactly at the threshold is not above it (0.2 at step 60 re-arms)
  assert.deepEqual(firingSteps(pts([0.2, 0.2]), { kind: "above", value: 0.2, ci: false }), []);
  // the first point fires when it is already past the value
  assert.deepEqual(firingSteps(pts([0.5, 0.6]), { kind: "above", value: 0.2, ci: false }).map((f) => f.step), [10]);
  // the order points arrive in does not matter
  assert.deepEqual(firingSteps([...s].reverse(), { kind: "above", value: 0.2, ci: false }).map((f) => f.step), [20, 50, 70]);
  // points without a value are skipped, not counted as a dip
  assert.deepEqual(firingSteps(pts([0.3, null, 0.3]), { kind: "above", value: 0.2, ci: false }).map((f) => f.step), [10]);
  assert.deepEqual(firingSteps(s, { kind: "above", value: 0.2, ci: false })[0], { step: 20, value: 0.3 });
});

test("with ci, above and below wait until the 95% interval is clear of the value", () => {
  const s = pts([0.22, 0.24, 0.3, 0.31], 0.05);
  assert.deepEqual(firingSteps(s, { kind: "above", value: 0.2, ci: true }).map((f) => f.step), [30]);
  assert.deepEqual(firingSteps(s, { kind: "above", value: 0.2, ci: false }).map((f) => f.step), [10]);
  assert.deepEqual(firingSteps(pts([0.5, 0.3, 0.1]), { kind: "below", value: 0.2, ci: true }).map((f) => f.step), [30]);
  assert.deepEqual(firingSteps(pts([0.5, 0.3, 0.1]), { kind: "below", value: 0.35, ci: false }).map((f) => f.step), [20]);
});

test("jump compares consecutive points: by size, or by intervals that stop overlapping", () => {
  const s = pts([0.1, 0.12, 0.4, 0.42, 0.1], 0.05);
  const bySize = firingSteps(s, { kind: "jump", value: 0.2, ci: false });
  assert.deepEqual(bySize.map((f) => f.step), [30, 50]);
  assert.ok(Math.abs(bySize[0]!.value - 0.28) < 1e-12);
  assert.ok(Math.abs(bySize[1]!.value + 0.32) < 1e-12, "a fall is a jump too, with its sign");
  // 0.1 -> 0.12: [0.05,0.15] and [0.07,0.17] overlap; 0.12 -> 0.4: apart
  assert.deepEqual(firingSteps(s, { kind: "jump", value: 0, ci: true }).map((f) => f.step), [30, 50]);
});

test("trend fits a least-squares slope over the last K points; a negative value asks for a fall", () => {
  assert.equal(slope([{ step: 0, mean: 0 }, { step: 10, mean: 1 }, { step: 20, mean: 2 }]), 0.1);
  const rising = pts([0, 0, 0, 0.1, 0.2, 0.3, 0.3, 0.3, 0.3]);
  assert.deepEqual(firingSteps(rising, { kind: "trend", value: 0.005, window: 3 }).map((f) => f.step), [50]);
  assert.deepEqual(firingSteps([...rising].map((p) => ({ ...p, mean: -p.mean! })), { kind: "trend", value: -0.005, window: 3 }).map((f) => f.step), [50]);
  assert.deepEqual(firingSteps(pts([0, 1]), { kind: "trend", value: 0, window: 3 }), [], "fewer points than the window: no slope yet");
});

test("null-rate fires when the share of samples without a score passes the value", () => {
  const s: SeriesPoint[] = [
    { step: 1, mean: 0.5, ciLow: 0.4, ciHigh: 0.6, n: 9, nulls: 1 },
    { step: 2, mean: 0.5, ciLow: 0.4, ciHigh: 0.6, n: 5, nulls: 5 },
    { step: 3, mean: null, ciLow: null, ciHigh: null, n: 0, nulls: 10 },
  ];
  assert.deepEqual(firingSteps(s, { kind: "null-rate", value: 0.25 }), [{ step: 2, value: 0.5 }]);
});

test("a run stalls after three times its median checkpoint interval without a new one", () => {
  assert.equal(stalled([0, 1000], 10_000), null, "two checkpoints are not yet a rhythm");
  assert.equal(stalled([0, 1000, 2000, 3000], 5999), null);
  assert.deepEqual(stalled([0, 1000, 2000, 3000], 6001), { quietMs: 3001, limitMs: 3000 });
  assert.deepEqual(stalled([0, 1000, 5000, 6000], 12_001), { quietMs: 6001, limitMs: 3000 }, "the median, not the mean, of the intervals");
});
