// The largest change marker and the overlay's trait styles.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DASHES, MARKERS, largestChange, markerIndices, traitStyle } from "../../shared/chart/seriesStyle.js";

test("the largest step-to-step change, across gaps, earliest on a tie, with its sign", () => {
  assert.equal(largestChange([]), null);
  assert.equal(largestChange([{ x: 1, y: 0.5 }]), null);
  assert.deepEqual(largestChange([{ x: 0, y: 0.125 }, { x: 10, y: 0.25 }, { x: 20, y: 0.75 }, { x: 30, y: 0.5 }]), { from: 10, x: 20, delta: 0.5, y: 0.75 });
  // A null between two values: the change is between the values on either side of it.
  const drop = largestChange([{ x: 0, y: 0.9 }, { x: 10, y: null }, { x: 20, y: 0.2 }, { x: 30, y: 0.25 }])!;
  assert.equal(drop.from, 0);
  assert.equal(drop.x, 20);
  assert.ok(Math.abs(drop.delta + 0.7) < 1e-12);
  assert.deepEqual(largestChange([{ x: 0, y: 0 }, { x: 1, y: 1 }, { x: 2, y: 0 }]), { from: 0, x: 1, delta: 1, y: 1 });
});

test("every trait of an overlay differs from its neighbours in dash and marker", () => {
  for (let i = 0; i < DASHES.length; i++) {
    const a = traitStyle(i);
    const b = traitStyle(i + 1);
    assert.notDeepEqual(a.dash, b.dash);
    assert.notEqual(a.marker, b.marker);
  }
  assert.equal(new Set(MARKERS).size, MARKERS.length);
  assert.deepEqual(markerIndices(3, 8), [0, 1, 2]);
  assert.deepEqual(markerIndices(101, 5), [0, 25, 50, 75, 100]);
});
