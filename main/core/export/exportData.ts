// Reads what an export draws from the store, at full precision, with provenance for the manifest.
import { createHash } from "node:crypto";
import type { ExportBackend, ExportData, ExportTrait } from "../../../shared/chart/exportData.js";
import type { ChartSpec } from "../../../shared/chart/exportSpec.js";
import { runColour } from "../../../shared/chart/palette.js";
import { runTraits } from "../probes/runTraits.js";
import type { ProbeStore } from "../store/probeStore.js";
import type { Store } from "../store/store.js";

function backendOf(config: unknown): ExportBackend | null {
  if (!config || typeof config !== "object") return null;
  const c = config as { name?: unknown; kind?: unknown; model?: unknown };
  return { name: String(c.name ?? ""), kind: String(c.kind ?? ""), model: String(c.model ?? "{checkpoint}") };
}

export class ExportDataError extends Error {}

export function loadExportData(store: Store, probes: ProbeStore, spec: ChartSpec, appVersion: string): ExportData {
  const runs = spec.runs.map((id) => {
    const run = store.getRun(id);
    if (!run) throw new ExportDataError(`no run with id ${id}`);
    const cfg = store.getProbeConfig(id) as { suites?: { key: string; version: string }[]; backend?: unknown; judge?: unknown; thresholds?: Record<string, number> };
    return {
      id: run.id,
      name: run.name,
      path: run.path,
      group: run.group,
      seed: run.seed,
      colour: runColour(run),
      suites: cfg.suites ?? [],
      backend: backendOf(cfg.backend),
      judge: backendOf(cfg.judge),
      thresholds: cfg.thresholds ?? {},
    };
  });

  const traits = new Map<string, ExportTrait>(
    runTraits(store, probes, spec.runs).map(({ trait: t, suite, contexts }) => [
      t.id,
      {
        trait: t.id,
        name: t.name,
        unit: t.unit,
        polarity: t.polarity,
        contexts,
        suite: { key: suite.key, version: suite.version },
        score: t.score,
        scorers: t.scorers.map(({ ...sc }) => {
          if ("template" in sc) {
            const { template, ...rest } = sc;
            return { ...rest, templateSha256: createHash("sha256").update(template).digest("hex") };
          }
          return sc;
        }),
      },
    ]),
  );
  for (const t of spec.traits) if (!traits.has(t)) throw new ExportDataError(`no trait "${t}" in the suites of the chosen runs (they have: ${[...traits.keys()].join(", ") || "none"})`);

  const ids = runs.map((r) => r.id);
  // Only the traits drawn (all of them when none are named), and only the asked-for context when there is one.
  const scores = probes.scoreSeries(ids, spec.traits.length ? spec.traits : undefined, spec.context ?? undefined, spec.xAxis === "time", true);
  for (const key of spec.metrics) {
    if (!ids.some((id) => store.metricKeys(id).includes(key))) {
      const known = [...new Set(ids.flatMap((id) => store.metricKeys(id)))];
      throw new ExportDataError(`no metric "${key}" in the chosen runs (they have: ${known.join(", ") || "none"})`);
    }
  }
  const metrics = spec.metrics.flatMap((key) =>
    ids.map((runId) => {
      const points = store.listMetrics(runId, key);
      return { runId, key, steps: points.map((p) => p.step), values: points.map((p) => p.value), wallTime: points.map((p) => (p.wallTime ? Date.parse(p.wallTime) / 1000 : null)) };
    }),
  );
  const annotations = ids.flatMap((id) => store.listAnnotations(id).map(({ id: aid, runId, step, to, text, tags, color }) => ({ id: aid, runId, step, to, text, tags, color })));
  return { runs, traits: [...traits.values()], scores, metrics, annotations, appVersion };
}
