// Every number a Trainer logged in log_history, against the stored metrics: one point per (quantity, step), equal
// to the file's value. Returns how many values were compared.
import assert from "node:assert/strict";

export function assertEveryLoggedValue(history: Record<string, unknown>[], metrics: { key: string; step: number; value: number }[]): number {
  const stored = new Map<string, number>();
  for (const m of metrics) {
    const k = `${m.key}@${m.step}`;
    assert.ok(!stored.has(k), `${k} stored once`);
    stored.set(k, m.value);
  }
  let compared = 0;
  for (const entry of history) {
    for (const [key, value] of Object.entries(entry)) {
      if (key === "step" || typeof value !== "number") continue;
      assert.equal(stored.get(`${key}@${entry.step}`), value, `${key} at step ${entry.step}`);
      compared++;
    }
  }
  return compared;
}
