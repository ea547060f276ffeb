// The manifest written beside every export: enough provenance to know, months later, exactly what a figure shows
// (which runs and where they live, which steps, which suite versions, backend and judge models, scorer settings).
import type { ExportData } from "./exportData.js";
import { exportDpi, type ChartSpec, type ExportFormat } from "./exportSpec.js";
import { selectedTraits, type FigureModel } from "./figureLayout.js";

export function buildManifest(args: { spec: ChartSpec; data: ExportData; figure: FigureModel; format: ExportFormat; file: string; createdAt: string }) {
  const { spec, data, figure } = args;
  const traits = selectedTraits(data, spec);
  /** The run's steps drawn in panels of one kind: checkpoints (scores) or logged training steps (metrics). */
  const stepsOf = (runId: number, kind: "score" | "metric") => {
    const steps = new Set<number>();
    for (const p of figure.panels) if (p.source.kind === kind) for (const s of p.series) if (s.key === `run:${runId}`) for (const pt of s.points) if (pt.step !== undefined) steps.add(pt.step);
    return [...steps].sort((a, b) => a - b);
  };
  const suiteKeys = new Set(traits.map((t) => `${t.trait.suite.key}@${t.trait.suite.version}`));
  return {
    file: args.file,
    format: args.format,
    app: { name: "driftscope", version: data.appVersion },
    createdAt: args.createdAt,
    size: { widthIn: figure.widthIn, heightIn: figure.heightIn, ...(args.format === "png" ? { dpi: exportDpi(spec), widthPx: Math.round(figure.widthIn * exportDpi(spec)), heightPx: Math.round(figure.heightIn * exportDpi(spec)) } : {}) },
    spec,
    runs: spec.runs.flatMap((id) => {
      const r = data.runs.find((x) => x.id === id);
      if (!r) return [];
      const steps = stepsOf(id, "score");
      const metricSteps = stepsOf(id, "metric");
      return [{ id: r.id, name: r.name, path: r.path, group: r.group, seed: r.seed, colour: r.colour, steps, metricStepRange: metricSteps.length ? [metricSteps[0], metricSteps[metricSteps.length - 1]] : null, suites: r.suites, backend: r.backend, judge: r.judge, thresholds: r.thresholds }];
    }),
    suites: [...suiteKeys].map((k) => ({ key: k.split("@")[0], version: k.split("@")[1] })),
    traits: traits.map(({ trait, context }) => ({ trait: trait.trait, name: trait.name, context, unit: trait.unit, polarity: trait.polarity, suite: trait.suite, score: trait.score, scorers: trait.scorers })),
    metrics: spec.metrics,
    annotations: spec.annotations ? figure.annotations.map((a) => ({ id: a.id, step: a.x, to: a.to, text: a.text })) : [],
    statistics: { ci: "95% percentile bootstrap over items (fixed seed); items, not samples, are the unit", groupMean: "mean across the group's runs at steps two or more share; band: 95% percentile interval of a two-level bootstrap (seeds scaled by sqrt(n/(n-1)), then items), 2000 replicates, fixed seed, where the runs have per-item scores; no band elsewhere", smoothing: spec.smoothing > 0 ? `debiased EMA, weight ${spec.smoothing}` : "none" },
  };
}

/** The manifest file's text, the same from the app and the CLI. */
export function manifestText(manifest: object): string {
  return JSON.stringify(manifest, null, 2) + "\n";
}
