// The series caches' shared bookkeeping: least recently used first out, once over the budget of points, never the
// newest entries a caller keeps.
import assert from "node:assert/strict";
import { test } from "node:test";
import { PointBudget } from "../../main/core/store/pointBudget.js";

test("entries go oldest first once over the budget, the newest kept; putting one back makes it the newest", () => {
  const b = new PointBudget<string>(10);
  b.put("a", "A", 4);
  b.put("b", "B", 4);
  assert.equal(b.full, false);
  b.put("a", "A2", 4); // a hit: now the newest, counted once
  b.put("c", "C", 4);
  assert.equal(b.full, true);
  b.trim(1);
  assert.equal(b.get("b"), undefined, "the least recently used went first");
  assert.equal(b.get("a"), "A2");
  assert.equal(b.get("c"), "C");
  assert.deepEqual([...b.values()], ["A2", "C"]);
  // Over the budget with everything kept: nothing goes.
  b.put("d", "D", 20);
  b.trim(3);
  assert.deepEqual([...b.values()], ["A2", "C", "D"]);
  b.trim(1);
  assert.deepEqual([...b.values()], ["D"], "only the newest stays when it alone is over the budget");
  b.delete("d");
  assert.equal(b.full, false);
  assert.deepEqual([...b.values()], []);
});
