// Reads what an export draws from the store, at full precision, with provenance for the manifest.
import type { ExportBackend, ExportData, ExportTrait } from "../../../shared/chart/exportData.js";
import type { ChartSpec } from "../../../shared/chart/exportSpec.js";
import { colourFor, runPalette } from "../../../shared/chart/palette.js";
import type { BackendConfig } from "../backends/index.js";
import { computeGroupBands } from "../experiments/groupBands.js";
import { runTraits } from "../probes/runTraits.js";
import { scorerKind } from "../probes/scorers/registry.js";
import type { Store } from "../store/store.js";

function backendOf(config: BackendConfig | null | undefined): ExportBackend | null {
  if (!config) return null;
  return { name: config.name, kind: config.kind, model: "model" in config ? config.model : "{checkpoint}" };
}

export class ExportDataError extends Error {}

export function loadExportData(store: Store, spec: ChartSpec, appVersion: string): ExportData {
  const probes = store.probes;
  // Colours as the app draws them: from the palette of every listed run, so a figure matches the screen.
  const palette = runPalette(store.runs.listRuns());
  const runs = spec.runs.map((id) => {
    const run = store.runs.getRun(id);
    if (!run) throw new ExportDataError(`no run with id ${id}`);
    const cfg = store.runs.getProbeSettings(id);
    return {
      id: run.id,
      name: run.name,
      path: run.path,
      group: run.group,
      seed: run.seed,
      colour: palette.runs.get(run.id) ?? run.color ?? colourFor(run.id - 1),
      groupColour: run.group === null ? null : (palette.groups.get(run.group) ?? null),
      suites: cfg?.suites ?? [],
      backend: backendOf(cfg?.backend),
      judge: backendOf(cfg?.judge),
      thresholds: cfg?.thresholds ?? {},
    };
  });

  const traits = new Map<string, ExportTrait>(
    runTraits(store, spec.runs).map(({ trait: t, suite, contexts }) => [
      t.id,
      {
        trait: t.id,
        name: t.name,
        unit: t.unit,
        polarity: t.polarity,
        contexts,
        suite: { key: suite.key, version: suite.version },
        score: t.score,
        // Each kind says how a manifest records it (judges: the template by hash, and how many of the exported
        // samples were scored from logprobs or by sampling, on a server without logprobs; activation scorers: the
        // worker's library versions).
        scorers: t.scorers.map((sc) => {
          const kind = scorerKind(sc.kind);
          const recorded = kind.manifest?.(sc) ?? sc;
          if (kind.needs === "judge") return { ...recorded, estimators: probes.judgeEstimators(spec.runs, t.id, sc.name) };
          // Activation projections: the worker's library versions (Python, torch, transformers) behind the samples.
          if (kind.needs === "activations") return { ...recorded, computedWith: probes.activationVersions(spec.runs, t.id, sc.name) };
          return recorded;
        }),
      },
    ]),
  );
  for (const t of spec.traits) if (!traits.has(t)) throw new ExportDataError(`no trait "${t}" in the suites of the chosen runs (they have: ${[...traits.keys()].join(", ") || "none"})`);

  const ids = runs.map((r) => r.id);
  // Only the traits drawn (all of them when none are named), and only the asked-for context when there is one.
  const scores = probes.scoreSeries(ids, spec.traits.length ? spec.traits : undefined, spec.context ?? undefined, spec.xAxis === "time", true);
  for (const key of spec.metrics) {
    if (!ids.some((id) => store.metrics.metricKeys(id).includes(key))) {
      const known = [...new Set(ids.flatMap((id) => store.metrics.metricKeys(id)))];
      throw new ExportDataError(`no metric "${key}" in the chosen runs (they have: ${known.join(", ") || "none"})`);
    }
  }
  const metrics = spec.metrics.flatMap((key) =>
    ids.map((runId) => {
      const points = store.metrics.listMetrics(runId, key);
      return { runId, key, steps: points.map((p) => p.step), values: points.map((p) => p.value), wallTime: points.map((p) => (p.wallTime ? Date.parse(p.wallTime) / 1000 : null)) };
    }),
  );
  const annotations = ids.flatMap((id) => store.annotations.listAnnotations(id).map(({ id: aid, runId, step, to, text, tags, color }) => ({ id: aid, runId, step, to, text, tags, color })));
  // Group-mean bands only where they are drawn: step axis, group means on; one trait or context when the spec names one.
  const groupBands =
    spec.groupMeans && spec.xAxis === "step"
      ? (spec.traits.length === 1 ? [spec.traits[0]] : [undefined]).flatMap((trait) => computeGroupBands(store, ids, { trait, context: spec.context ?? undefined }))
          .filter((b) => spec.traits.length === 0 || spec.traits.includes(b.trait))
      : [];
  // Rollout aggregates only when rollout panels are drawn (a step axis: rollouts are per training step).
  const rollouts = spec.rollouts?.length ? store.rollouts.aggregates(ids).filter((r) => spec.traits.length === 0 || spec.traits.includes(r.trait)) : undefined;
  return { runs, traits: [...traits.values()], scores, metrics, annotations, groupBands, appVersion, ...(rollouts ? { rollouts } : {}) };
}

