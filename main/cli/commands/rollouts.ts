// driftscope rollouts / rollout-samples: what the policy explored during RL, per step, from the rollouts its
// trainer logged (read and scored by `watch`).
import { intFlag, parse, UsageError } from "../args.js";
import { fmt, printJson, printTable, type Io } from "../output.js";
import { withWorkspace } from "../workspace.js";

export async function rolloutsCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { trait: { type: "string" } });
  if (values.help) {
    return io.out(`driftscope rollouts RUN [--trait T] [--json]
  Per RL step and trait, over the rollouts the trainer logged: n, prevalence (the mean score) with a 95% bootstrap
  interval over prompts, Spearman's correlation of the score with reward (rewardCorr, with corrLow/corrHigh), the
  advantage-weighted trait Σ A·t / Σ|A| (which way the update pushes it), and the reward share above the threshold.
  Sorted by trait, then step.
`), 0;
  }
  if (positionals.length !== 1) throw new UsageError("rollouts needs one run (id or name)");
  return withWorkspace(values.db, async (core) => {
    const run = core.findRun(positionals[0]!);
    const rows = (await core.call("getRolloutSeries", { runIds: [run.id], trait: values.trait })).map((r) => ({
      step: r.step,
      trait: r.trait,
      n: r.n,
      mean: r.mean,
      ciLow: r.ciLow,
      ciHigh: r.ciHigh,
      rewardCorr: r.rewardCorr,
      corrLow: r.corrLow,
      corrHigh: r.corrHigh,
      advantageWeighted: r.advantageWeighted,
      rewardShare: r.rewardShare,
      prompts: r.prompts,
      nulls: r.nulls,
    }));
    if (values.json) printJson(io, rows);
    else printTable(io, ["TRAIT", "STEP", "N", "MEAN", "CI LOW", "CI HIGH", "REWARD ρ", "ADV-WEIGHTED", "REWARD SHARE"], rows.map((r) => [r.trait, r.step, r.n, fmt(r.mean), fmt(r.ciLow), fmt(r.ciHigh), fmt(r.rewardCorr), fmt(r.advantageWeighted), fmt(r.rewardShare)]));
    return 0;
  });
}

export async function rolloutSamplesCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { step: { type: "string" }, trait: { type: "string" }, sort: { type: "string" }, limit: { type: "string" }, offset: { type: "string" } });
  if (values.help) return io.out("driftscope rollout-samples RUN --step N [--trait T] [--sort reward|advantage|score] [--limit K] [--offset O] [--json]\n  One step's rollouts: prompt, completion, reward, advantage and each scorer's value (of --trait's scorers only, if given).\n"), 0;
  if (positionals.length !== 1) throw new UsageError("rollout-samples needs one run (id or name)");
  const step = intFlag("step", values.step, { min: 0 });
  if (step === undefined) throw new UsageError("rollout-samples needs --step N");
  const sort = values.sort;
  if (sort !== undefined && sort !== "reward" && sort !== "advantage" && sort !== "score") throw new UsageError(`--sort must be reward, advantage or score (got "${sort}")`);
  if (sort === "score" && !values.trait) throw new UsageError("--sort score needs --trait T (the score to sort by)");
  const limit = intFlag("limit", values.limit, { min: 1 }) ?? 100;
  if (limit > 1000) throw new UsageError("--limit is at most 1000 (page with --offset)");
  return withWorkspace(values.db, async (core) => {
    const run = core.findRun(positionals[0]!);
    const page = await core.call("getRolloutSamples", { runId: run.id, step, trait: values.trait, sort, limit, offset: intFlag("offset", values.offset, { min: 0 }) ?? 0 });
    const rows = page.rows.map(({ step, prompt, completion, reward, advantage, scores }) => ({ step, prompt, completion, reward, advantage, scores }));
    if (values.json) printJson(io, rows);
    else printTable(io, ["REWARD", "ADVANTAGE", "SCORES", "COMPLETION"], rows.map((r) => [fmt(r.reward), fmt(r.advantage), Object.entries(r.scores).map(([k, v]) => `${k}=${fmt(v)}`).join(" "), r.completion.replace(/\s+/g, " ").slice(0, 80)]));
    if (!values.json && page.total > rows.length) io.err(`(${rows.length} of ${page.total} rollouts at step ${step}; page with --offset)\n`);
    return 0;
  });
}
