// Rollout statistics against answers worked out by hand, and the prompt bootstrap's coverage against known truth.
import assert from "node:assert/strict";
import { test } from "node:test";
import { midRanks, rolloutStats, type RolloutStatRow } from "../../main/core/rollouts/rolloutStats.js";
import { judgedSample, rolloutTraits, sampleKey } from "../../main/core/rollouts/rolloutScoring.js";
import { seededRandom } from "../../main/core/util/random.js";
import { suiteSchema } from "../../main/core/probes/suiteSchema.js";

const row = (group: number, score: number | null, reward: number | null, advantage: number | null = null): RolloutStatRow => ({ group, score, reward, advantage });

test("mid-ranks share ties", () => {
  assert.deepEqual([...midRanks(Float64Array.from([10, 20, 20, 5]))], [2, 3.5, 3.5, 1]);
  assert.deepEqual([...midRanks(Float64Array.from([1, 1, 1]))], [2, 2, 2]);
});

test("hand-computed: prevalence, Spearman, advantage-weighted trait and reward share", () => {
  // Two prompts, two completions each. Scores 0, 1, 0.5, 1; rewards 1, 3, 2, 4 (same order as scores up to a tie).
  const rows = [row(1, 0, 1, -1), row(1, 1, 3, 1), row(2, 0.5, 2, -0.5), row(2, 1, 4, 0.5)];
  const s = rolloutStats(rows, 0.6);
  assert.equal(s.n, 4);
  assert.equal(s.prompts, 2);
  assert.equal(s.mean, 0.625);
  // Score ranks 1, 3.5, 2, 3.5; reward ranks 1, 3, 2, 4: Pearson of those.
  const rx = [1, 3.5, 2, 3.5];
  const ry = [1, 3, 2, 4];
  const mx = rx.reduce((a, b) => a + b) / 4;
  const my = ry.reduce((a, b) => a + b) / 4;
  const cov = rx.reduce((a, x, i) => a + (x - mx) * (ry[i]! - my), 0);
  const expected = cov / Math.sqrt(rx.reduce((a, x) => a + (x - mx) ** 2, 0) * ry.reduce((a, y) => a + (y - my) ** 2, 0));
  assert.ok(Math.abs(s.rewardCorr! - expected) < 1e-12, `${s.rewardCorr} vs ${expected}`);
  // Σ A·t / Σ|A| = (-0 + 1 - 0.25 + 0.5) / 3.
  assert.ok(Math.abs(s.advantageWeighted! - 1.25 / 3) < 1e-12);
  // Rollouts above 0.6 earned 3 + 4 of 10.
  assert.ok(Math.abs(s.rewardShare! - 0.7) < 1e-12);
  // The bootstrap over two prompts: each replicate's mean is one prompt's (0.5 or 0.75) or both (0.625).
  assert.ok([0.5, 0.625, 0.75].includes(s.ciLow!) && [0.5, 0.625, 0.75].includes(s.ciHigh!));
  assert.equal(s.ciLow, 0.5);
  assert.equal(s.ciHigh, 0.75);
});

test("edges: one prompt has no interval (not one of zero width); no positive reward, no share; nulls counted", () => {
  const one = rolloutStats([row(1, 0.2, 1), row(1, 0.4, 2), row(1, null, 3)], 0.5);
  assert.deepEqual([one.n, one.nulls, one.prompts, one.ciLow, one.ciHigh], [2, 1, 1, null, null]);
  assert.ok(Math.abs(one.mean! - 0.3) < 1e-12);
  assert.equal(rolloutStats([row(1, 1, -1), row(2, 0, -2)], 0.5).rewardShare, null);
  assert.equal(rolloutStats([row(1, 1, null, null), row(2, 0, null, null)], 0.5).advantageWeighted, null);
  assert.equal(rolloutStats([row(1, 0.5, 1), row(2, 0.5, 2), row(3, 0.5, 3)], 0.4).rewardCorr, null, "a constant score has no correlation");
  assert.equal(rolloutStats([], 0.5).mean, null);
});

test("coverage: the prompt bootstrap's 95% interval holds the true prevalence in at least 93% of 300 simulated steps", () => {
  // Each prompt has its own propensity (drawn around the truth); its 4 completions share it, so they are correlated.
  const rng = seededRandom(7);
  const truth = 0.3;
  let covered = 0;
  let naive = 0;
  const sims = 300;
  for (let s = 0; s < sims; s++) {
    const rows: RolloutStatRow[] = [];
    for (let p = 0; p < 24; p++) {
      const q = Math.min(1, Math.max(0, truth + (rng() - 0.5) * 0.5));
      for (let c = 0; c < 4; c++) rows.push(row(p, rng() < q ? 1 : 0, rng()));
    }
    const st = rolloutStats(rows, 0.5, 500);
    if (st.ciLow! <= truth && truth <= st.ciHigh!) covered++;
    // For the record: a binomial interval that treats the 96 completions as independent.
    const m = st.mean!;
    const half = 1.96 * Math.sqrt((m * (1 - m)) / rows.length);
    if (m - half <= truth && truth <= m + half) naive++;
  }
  assert.ok(covered / sims >= 0.93, `covered ${covered}/${sims} (independent-completions interval: ${naive}/${sims})`);
});

test("the judged sample is fixed by each rollout's identity, and capped per step", () => {
  const ids = Array.from({ length: 100 }, (_, i) => ({ id: i + 1, fileKey: "completions_00003.parquet", rowIndex: i }));
  const a = judgedSample(ids, 32);
  const b = judgedSample([...ids].reverse(), 32);
  assert.equal(a.size, 32);
  assert.deepEqual([...a].sort(), [...b].sort(), "the same whatever order the rows come in");
  assert.notEqual(sampleKey("f", 1), sampleKey("f", 2));
  assert.equal(judgedSample(ids, 0).size, 0);
});

test("traits scored on rollouts are those whose score reads text; others are named with why", () => {
  const suite = suiteSchema.parse({
    id: "s",
    name: "s",
    traits: [
      { id: "caps", name: "c", polarity: "higher_is_trait", role: "unwanted_in_distribution", items: [{ id: "a", prompt: "p" }], scorers: [{ kind: "caps_ratio", name: "caps" }], score: "caps" },
      { id: "power", name: "p", polarity: "higher_is_trait", role: "unwanted_out_of_distribution", items: [{ id: "a", prompt: "p", matching: " Yes", notMatching: " No" }], sampling: { mode: "next_token_logprobs" }, scorers: [{ kind: "choice_logprob", name: "c" }], score: "c" },
      { id: "evil", name: "e", polarity: "higher_is_trait", role: "unwanted_out_of_distribution", threshold: 70, items: [{ id: "a", prompt: "p" }], scorers: [{ kind: "judge_0_100", name: "j", template: "{answer}" }], score: "j" },
    ],
  });
  const traits = suite.traits.map((t) => ({ ...t, contexts: [], sampling: { mode: "generate", samplesPerItem: 1, temperature: 1, topP: 1, maxTokens: 10 } })) as never;
  const { usable, skipped } = rolloutTraits(traits);
  assert.deepEqual(usable.map((u) => [u.trait.id, u.judged, u.threshold]), [["caps", false, 0.5], ["evil", true, 70]]);
  assert.match(skipped[0]!, /^power: .*needs the model itself/);
});

test("scoring a step is leased: a second holder is refused until the first releases it or its lease expires", async () => {
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { Store } = await import("../../main/core/store/store.js");
  const dir = mkdtempSync(join(tmpdir(), "driftscope-lease-"));
  try {
    const store = Store.open(join(dir, "w.db"));
    const run = store.runs.registerRun({ path: dir });
    const holder = (owner: string, ttlMs = 60_000) => ({ owner, ttlMs, ownerGone: () => false });
    const a = holder("host:1:a");
    const b = holder("host:2:b");
    assert.equal(store.rollouts.claimStep(run.id, 5, a), true);
    assert.equal(store.rollouts.claimStep(run.id, 5, b), false, "held by a");
    assert.equal(store.rollouts.claimStep(run.id, 6, b), true, "another step is free");
    assert.equal(store.rollouts.claimStep(run.id, 5, a), true, "its holder may claim it again");
    store.rollouts.releaseStep(run.id, 5, a.owner);
    assert.equal(store.rollouts.claimStep(run.id, 5, b), true, "released");
    // An expired lease is taken over; a holder known to be gone is taken over at once.
    assert.equal(store.rollouts.claimStep(run.id, 7, holder("host:3:c", -1)), true);
    assert.equal(store.rollouts.claimStep(run.id, 7, a), true, "c's lease had expired");
    assert.equal(store.rollouts.claimStep(run.id, 8, b), true);
    assert.equal(store.rollouts.claimStep(run.id, 8, { ...a, ownerGone: (o: string) => o === b.owner }), true, "b's process is gone");
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
