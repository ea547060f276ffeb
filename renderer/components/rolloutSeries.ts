// Rollout aggregates as panel series: one per run, drawn dashed so rollouts read apart from checkpoint probes.
import type { RolloutPoint, RunView } from "../../shared/api.js";
import type { PanelSeries } from "../../shared/chart/DriftPanel.js";

export type RolloutMeasure = "mean" | "rewardCorr" | "advantageWeighted" | "rewardShare";

export const ROLLOUT_MEASURES: Record<RolloutMeasure, string> = {
  mean: "prevalence (mean score, 95% CI over prompts)",
  rewardCorr: "correlation with reward (Spearman, 95% CI)",
  advantageWeighted: "advantage-weighted trait Σ A·t / Σ|A|",
  rewardShare: "share of reward above the threshold",
};

export function rolloutSeries(runs: RunView[], points: RolloutPoint[], trait: string, measure: RolloutMeasure): PanelSeries[] {
  return runs.flatMap((r) => {
    const mine = points.filter((p) => p.runId === r.id && p.trait === trait).sort((a, b) => a.step - b.step);
    if (mine.length === 0) return [];
    return [
      {
        key: `run:${r.id}:rollouts`,
        label: `${r.name} · rollouts`,
        colour: r.colour,
        dashed: true,
        points: mine.map((p) => ({
          x: p.step,
          step: p.step,
          n: p.n,
          y: p[measure],
          lo: measure === "mean" ? p.ciLow : measure === "rewardCorr" ? p.corrLow : null,
          hi: measure === "mean" ? p.ciHigh : measure === "rewardCorr" ? p.corrHigh : null,
        })),
      },
    ];
  });
}
