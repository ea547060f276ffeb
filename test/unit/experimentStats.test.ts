// The experiment statistics with known answers and with known truth: point estimates by hand, an interval whose
// bootstrap distribution can be enumerated, paired Δ, gaps and interactions, and a coverage simulation of the
// two-level bootstrap (3 seeds x 40 items per condition) beside the old normal band's.
import assert from "node:assert/strict";
import { test } from "node:test";
import { experimentStatistics, type ConditionData } from "../../main/core/experiments/bootstrap.js";
import { seededRandom } from "../../main/core/util/random.js";

const run = (runId: number, ctx: Record<string, Record<string, number>>) => ({ runId, contexts: new Map(Object.entries(ctx).map(([c, m]) => [c, new Map(Object.entries(m))])) });

test("point estimates by hand: the mean over seeds of each run's item mean; Δ versus the control; relative change", () => {
  const conditions: ConditionData[] = [
    { name: "control", runs: [run(1, { none: { a: 0.2, b: 0.4, c: 0.6 } }), run(2, { none: { a: 0.4, b: 0.6, c: 0.8 } })] },
    { name: "ip", runs: [run(3, { none: { a: 0.1, b: 0.1, c: 0.1 } }), run(4, { none: { a: 0.3, b: 0.3, c: 0.3 } })] },
  ];
  const { cells } = experimentStatistics(conditions, "control", ["a", "b", "c"], ["none"], { replicates: 200 });
  const c = cells.find((x) => x.condition === "control")!;
  const ip = cells.find((x) => x.condition === "ip")!;
  assert.ok(Math.abs(c.value! - 0.5) < 1e-12); // runs 0.4 and 0.6
  assert.ok(Math.abs(ip.value! - 0.2) < 1e-12); // runs 0.1 and 0.3
  assert.equal(c.delta, null, "no Δ for the control");
  assert.ok(Math.abs(ip.delta!.value! + 0.3) < 1e-12);
  assert.ok(Math.abs(ip.relative! + 60) < 1e-9, "−60%");
  assert.equal(ip.seeds, 2);
  assert.equal(ip.items, 3);
  for (const x of cells) assert.ok(x.ciLow! <= x.value! && x.value! <= x.ciHigh!, JSON.stringify(x));
});

test("an interval that can be enumerated: one seed, items 0 and 1, gives [0, 1]; identical data give a point", () => {
  // Drawing 2 items from {0, 1} with replacement: means 0, 0.5, 1 with chances 1/4, 1/2, 1/4, so the 2.5th and
  // 97.5th percentiles are 0 and 1 (a single seed: the interval is item sampling only).
  const one: ConditionData[] = [{ name: "control", runs: [run(1, { none: { a: 0, b: 1 } })] }];
  const { cells } = experimentStatistics(one, "control", ["a", "b"], ["none"], { replicates: 4000 });
  assert.deepEqual([cells[0]!.ciLow, cells[0]!.value, cells[0]!.ciHigh], [0, 0.5, 1]);
  assert.equal(cells[0]!.seeds, 1);
  const flat: ConditionData[] = [{ name: "control", runs: [run(1, { none: { a: 0.3, b: 0.3 } }), run(2, { none: { a: 0.3, b: 0.3 } })] }];
  const f = experimentStatistics(flat, "control", ["a", "b"], ["none"]).cells[0]!;
  assert.ok(Math.abs(f.ciLow! - 0.3) < 1e-12 && Math.abs(f.ciHigh! - 0.3) < 1e-12);
});

test("Δ is paired on items: a shift shared by every item leaves a zero-width Δ interval whatever the items' spread", () => {
  const items = Array.from({ length: 30 }, (_, i) => `q${i}`);
  const spread = (shift: number) => Object.fromEntries(items.map((id, i) => [id, (i % 10) / 10 + shift]));
  const conditions: ConditionData[] = [
    { name: "control", runs: [run(1, { none: spread(0) })] },
    { name: "ip", runs: [run(2, { none: spread(0.1) })] },
  ];
  const ip = experimentStatistics(conditions, "control", items, ["none"]).cells.find((c) => c.condition === "ip")!;
  assert.ok(ip.ciHigh! - ip.ciLow! > 0.1, "each condition's own interval is wide (the items differ)");
  assert.ok(Math.abs(ip.delta!.ciLow! - 0.1) < 1e-9 && Math.abs(ip.delta!.ciHigh! - 0.1) < 1e-9, JSON.stringify(ip.delta));
});

test("the conditionalization gap and the interaction of combined techniques, by hand", () => {
  const r = (id: number, none: number, ip: number) => run(id, { none: { a: none, b: none }, ip: { a: ip, b: ip } });
  const conditions: ConditionData[] = [
    { name: "control", runs: [r(1, 0.5, 0.5)] },
    { name: "A", runs: [r(2, 0.4, 0.6)] },
    { name: "B", runs: [r(3, 0.3, 0.3)] },
    { name: "A+B", runs: [r(4, 0.1, 0.7)] },
  ];
  const out = experimentStatistics(conditions, "control", ["a", "b"], ["none", "ip"], { gaps: [["ip", "none"]], interactions: [{ condition: "A+B", parts: ["A", "B"] }] });
  const gap = (c: string) => out.gaps.find((g) => g.condition === c)!.value!;
  assert.ok(Math.abs(gap("A") - 0.2) < 1e-12 && Math.abs(gap("A+B") - 0.6) < 1e-12 && gap("control") === 0);
  // at none: Δ(A+B) − Δ(A) − Δ(B) = (−0.4) − (−0.1) − (−0.2) = −0.1
  const inter = out.interactions.find((i) => i.condition === "A+B @ none")!;
  assert.ok(Math.abs(inter.value! + 0.1) < 1e-12, String(inter.value));
  assert.ok(Math.abs(inter.ciLow! + 0.1) < 1e-9 && Math.abs(inter.ciHigh! + 0.1) < 1e-9, "no spread in the data: no spread in the interval");
});

test("coverage with known truth: the two-level bootstrap covers Δ and the gap at least 93% of the time (3 seeds x 40 items); the old normal band does not", () => {
  const rng = seededRandom(7);
  const normal = () => {
    const u = 1 - rng();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
  };
  const ids = Array.from({ length: 40 }, (_, i) => `q${i}`);
  const N = 200;
  const scenarios = [
    { name: "item noise dominates", seedSd: 0.02, itemSd: 0.15, noiseSd: 0.1, interactionSd: 0.05 },
    { name: "seed differences dominate", seedSd: 0.05, itemSd: 0.15, noiseSd: 0.1, interactionSd: 0.05 },
  ];
  for (const sc of scenarios) {
    let delta = 0;
    let gap = 0;
    let meanCover = 0;
    let normalBand = 0;
    for (let s = 0; s < N; s++) {
      const item = ids.map(() => sc.itemSd * normal());
      const conditions: ConditionData[] = [0.3, 0.4].map((mu, ci) => {
        const inter = ids.map(() => sc.interactionSd * normal());
        return {
          name: ci === 0 ? "control" : "treated",
          runs: Array.from({ length: 3 }, (_, r) => {
            const seed = sc.seedSd * normal();
            const ctx = (shift: number) => new Map(ids.map((id, i) => [id, mu + shift + seed + item[i]! + inter[i]! + sc.noiseSd * normal()]));
            return { runId: ci * 10 + r, contexts: new Map([["none", ctx(0)], ["ip", ctx(0.05)]]) };
          }),
        };
      });
      const out = experimentStatistics(conditions, "control", ids, ["none", "ip"], { replicates: 400, seed: s, gaps: [["ip", "none"]] });
      const t = out.cells.find((c) => c.condition === "treated" && c.context === "none")!;
      if (t.delta!.ciLow! <= 0.1 && 0.1 <= t.delta!.ciHigh!) delta++;
      if (t.ciLow! <= 0.4 && 0.4 <= t.ciHigh!) meanCover++;
      const g = out.gaps.find((x) => x.condition === "treated")!;
      if (g.ciLow! <= 0.05 && 0.05 <= g.ciHigh!) gap++;
      // The drift view's old group-mean band: mean ± 1.96 SD / √n over the seeds' run means (items fixed).
      const runMeans = conditions[1]!.runs.map((r) => [...r.contexts.get("none")!.values()].reduce((a, b) => a + b, 0) / ids.length);
      const m = runMeans.reduce((a, b) => a + b, 0) / 3;
      const sd = Math.sqrt(runMeans.reduce((a, b) => a + (b - m) ** 2, 0) / 2);
      if (m - (1.96 * sd) / Math.sqrt(3) <= 0.4 && 0.4 <= m + (1.96 * sd) / Math.sqrt(3)) normalBand++;
    }
    console.log(`coverage at nominal 95%, ${sc.name}: Δ ${((100 * delta) / N).toFixed(1)}%, gap ${((100 * gap) / N).toFixed(1)}%, condition mean ${((100 * meanCover) / N).toFixed(1)}%; old normal band for the mean ${((100 * normalBand) / N).toFixed(1)}%`);
    assert.ok(delta / N >= 0.93, `${sc.name}: Δ covered ${delta}/${N}`);
    assert.ok(gap / N >= 0.93, `${sc.name}: gap covered ${gap}/${N}`);
    assert.ok(meanCover / N >= 0.93, `${sc.name}: mean covered ${meanCover}/${N}`);
    assert.ok(normalBand / N < 0.9, `${sc.name}: the old band covered ${normalBand}/${N}`);
  }
});
