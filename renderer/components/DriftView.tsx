// The drift view: small multiples (one panel per trait), overlay, or contexts side by side; training-metric panels
// sharing the x axis; annotations; smoothing that keeps raw points; zoom that survives live updates.
import { useCallback, useEffect, useMemo, useState } from "react";
import { defaultSpec, type ChartSpec } from "../../shared/chart/exportSpec.js";
import { AlertRuleForm, type RuleDraft } from "./AlertRuleForm.js";
import { ExportDialog } from "./ExportDialog.js";
import type { Annotation, Api, GroupBand, RolloutPoint, RunView, TraitInfo } from "../../shared/api.js";
import { xExtent, yExtent, type PanelAnnotation, type PanelSeries } from "../../shared/chart/DriftPanel.js";
import { useLive } from "../useApi.js";
import { InteractivePanel } from "./InteractivePanel.js";
import { GROUP_COLOUR } from "../../shared/chart/groupMeans.js";
import { markerPath, traitStyle } from "../../shared/chart/seriesStyle.js";
import { createCrosshair } from "./crosshair.js";
import { useWidth } from "../useWidth.js";
import { emptyIndex, indexScores, scoreSeries, type ScoreIndex, type XAxis } from "./series.js";
import { ROLLOUT_MEASURES, rolloutSeries, type RolloutMeasure } from "./rolloutSeries.js";
import { metricPanelSeries } from "./metricSeries.js";
import { OPENING_CONTEXT, type DriftState, type Layout } from "../../shared/viewState.js";
import { axisX, clockStart, runClock, stepAtX, timeOfStep, type RunClock } from "../../shared/chart/timeAxis.js";
import { RunOptions } from "./RunOptions.js";
import { driftSeriesArgs, MULTIPLES_WIDTH } from "../driftRequest.js";

const ROLE_NAMES: Record<string, string> = { wanted: "wanted", unwanted_in_distribution: "unwanted, in-distribution", unwanted_out_of_distribution: "unwanted, out-of-distribution" };
const roleRank = (role: string) => {
  const i = Object.keys(ROLE_NAMES).indexOf(role);
  return i < 0 ? 3 : i;
};

const NO_CLOCKS: ReadonlyMap<number, RunClock> = new Map();

export function DriftView({ api, runs, onOpen, onOpenRollouts, state, onState, theme }: { api: Api; runs: RunView[]; onOpen: (runId: number, step: number, trait?: string, context?: string) => void; onOpenRollouts?: (runId: number, step: number, trait: string) => void; state: DriftState; onState: (patch: Partial<DriftState>) => void; theme: "light" | "dark" }) {
  const ids = runs.map((r) => r.id);
  const idKey = ids.join(",");
  const runSet = useMemo(() => new Set(ids), [idKey]); // keyed by the ids joined, so a new array with the same runs reuses it
  // The view's choices live in the URL (App keeps them): these read them and write them back.
  const { layout, xAxis, smoothing, bands, zoom, yRange } = state;
  // Kept by value: a new array each render would redraw every (memoised) panel.
  const yDomain = useMemo<[number, number] | undefined>(
    () => (yRange === "0-1" ? [0, 1] : yRange === "0-100" ? [0, 100] : yRange === "custom" && state.yCustom ? state.yCustom : undefined),
    [yRange, state.yCustom?.[0], state.yCustom?.[1]],
  );
  // One crosshair for every panel of the view.
  const crosshair = useMemo(() => createCrosshair(), []);
  // Contexts side by side fill the view's width, one row per trait.
  const [panelsRef, panelsWidth] = useWidth<HTMLDivElement>();
  // A measure the URL names that this version does not know falls back to the mean.
  const rolloutMeasure: RolloutMeasure = state.rolloutMeasure in ROLLOUT_MEASURES ? (state.rolloutMeasure as RolloutMeasure) : "mean";
  const context = state.context ?? OPENING_CONTEXT;
  const metricKeys = state.metrics;
  const showRollouts = state.rollouts;
  const setLayout = (layout: Layout) => onState({ layout });
  const setContext = (context: string) => onState({ context });
  const setSmoothing = (smoothing: number) => onState({ smoothing });
  const setBands = (bands: boolean) => onState({ bands });
  const setMetricKeys = (metrics: string[]) => onState({ metrics });
  const setZoom = useCallback((zoom: [number, number] | null) => onState({ zoom }), [onState]);
  const setShowRollouts = (rollouts: boolean) => onState({ rollouts });
  const setRolloutMeasure = (rolloutMeasure: RolloutMeasure) => onState({ rolloutMeasure });
  const [draft, setDraft] = useState<{ runId: number; step: number; to: number | null } | null>(null);
  const [draftText, setDraftText] = useState("");
  const [exporting, setExporting] = useState(false);
  const [alertDraft, setAlertDraft] = useState<RuleDraft | null>(null);

  const traits = useLive<TraitInfo[]>(api, async () => (ids.length ? api.listTraits({ runIds: ids }) : []), (e) => e.type === "run-changed", [idKey]);
  // Panels in the order of the traits' roles (wanted, unwanted in-distribution, unwanted out-of-distribution, then
  // the rest), as the suite states them.
  const traitList = useMemo(() => [...(traits.data ?? [])].sort((a, b) => roleRank(a.role) - roleRank(b.role)), [traits.data]);
  const contexts = [...new Set(traitList.flatMap((t) => t.contexts))];
  const ctx = contexts.includes(context) ? context : (contexts[0] ?? context);
  const contextCount = Math.max(1, ...traitList.map((t) => t.contexts.length));
  // Contexts side by side: the row's panels share the view's width (at least 200 px each, room for a title such as "inoculation_paraphrase"; the row scrolls beyond).
  // The overlay takes the view's width (up to 1,100 px), so it is never cut at a narrow window's edge.
  const width = layout === "overlay" ? Math.max(400, Math.min(1100, panelsWidth - 4)) : layout === "contexts" ? Math.max(200, Math.floor((panelsWidth - 8 * (contextCount - 1)) / contextCount)) : MULTIPLES_WIDTH;
  const height = layout === "overlay" ? 340 : 220;
  // What the core cuts series to: the panel's pixel columns, and (shortly after a zoom or pan settles) the zoomed
  // range widened by its own width on each side, so a pan shows detail at once and fetches again only at rest.
  const [fetchRange, setFetchRange] = useState<[number, number] | null>(null);
  useEffect(() => {
    const t = setTimeout(() => setFetchRange(zoom && xAxis === "step" ? [zoom[0] - (zoom[1] - zoom[0]), zoom[1] + (zoom[1] - zoom[0])] : null), zoom ? 200 : 0);
    return () => clearTimeout(t);
  }, [zoom?.[0], zoom?.[1], xAxis]);
  // A panel's pixel columns, three times over once a zoom has fetched its widened range.
  const columnsOf = (panelWidth: number) => Math.ceil(panelWidth * (globalThis.devicePixelRatio || 1)) * (fetchRange ? 3 : 1);
  const columns = columnsOf(width);
  // Only the contexts drawn are read: one, unless contexts are side by side.
  const ctxKey = layout === "contexts" ? "*" : ctx;
  // Tagged with what they were loaded for: until the current ones arrive, panels show "loading" rather than drawing
  // empty and again (useLive keeps the previous data while it reloads); other runs' or a zoom's stale series may
  // stay on screen meanwhile (no flicker when a run is shown or hidden).
  const scoreKey = `${idKey}|${xAxis}|${ctxKey}`;
  const scores = useLive<{ key: string; ctxKey: string; index: ScoreIndex }>(
    api,
    async () => ({
      key: scoreKey,
      ctxKey,
      index: ids.length
        ? indexScores(await api.getDriftSeries(driftSeriesArgs({ ids, ctxKey, xAxis, columns, fetchRange, smoothing })))
        : emptyIndex(),
    }),
    (e) => (e.type === "scores-updated" || e.type === "checkpoint-changed") && runSet.has(e.runId),
    [idKey, xAxis, ctxKey, columns, fetchRange?.[0], fetchRange?.[1], smoothing],
  );
  const allKeys = useLive<string[]>(api, async () => (ids.length ? api.metricKeys({ runIds: ids }) : []), (e) => e.type === "metrics-added" && runSet.has(e.runId), [idKey]);
  const keys = metricKeys.filter((k) => allKeys.data?.includes(k));
  // Metrics come cut per pixel column of their panels, like the scores (a long run logs a million points per key),
  // smoothed by the core over every point, with wall times on a time axis.
  // The rollout and metric panels under the traits: as wide as a trait's, but a multiple's width when contexts
  // share a row.
  const underWidth = layout === "contexts" ? 440 : width;
  const metricColumns = columnsOf(underWidth);
  const metrics = useLive(
    api,
    async () =>
      new Map(
        ids.length && keys.length
          ? (
              await api.getMetricSeries({
                runIds: ids,
                keys,
                times: xAxis !== "step",
                columns: metricColumns,
                ...(fetchRange ? { range: [fetchRange[0], fetchRange[1]] as [number, number] } : {}),
                ...(smoothing > 0 ? { smoothing } : {}),
              })
            ).map((m) => [`${m.runId}\u0000${m.key}`, m] as const)
          : [],
      ),
    (e) => e.type === "metrics-added" && runSet.has(e.runId),
    [idKey, keys.join(","), xAxis, metricColumns, fetchRange?.[0], fetchRange?.[1], smoothing],
  );
  // What the policy sampled during training, per step: drawn beside the probes when the trainer logged rollouts.
  const rollouts = useLive<RolloutPoint[]>(api, async () => (ids.length ? api.getRolloutSeries({ runIds: ids }) : []), (e) => e.type === "rollouts-updated" && runSet.has(e.runId), [idKey]);
  const annotations = useLive<Annotation[]>(api, async () => (ids.length ? api.listAnnotations({ runIds: ids }) : []), (e) => e.type === "annotation-changed" && runSet.has(e.runId), [idKey]);

  // The group means' bands (two-level bootstrap over seeds and items), only when some group has two runs or more.
  const grouped = useMemo(() => {
    const count = new Map<string, number>();
    for (const r of runs) if (r.group) count.set(r.group, (count.get(r.group) ?? 0) + 1);
    return [...count.values()].some((n) => n >= 2);
  }, [runs]);
  // Stale scores of other runs are fine to keep showing while new ones load (no flicker when a run is shown or
  // hidden); an empty first answer is not.
  const scoresLoaded = scores.data !== undefined && (scores.data.key === scoreKey || (scores.data.index.size > 0 && scores.data.ctxKey === ctxKey));
  const scoreMap = useMemo(() => scores.data?.index ?? emptyIndex(), [scores.data]);
  // Each run's checkpoint clock (steps and completion times) on a time axis, from any one of its series.
  // On the step axis no clock is needed, and the same empty map is kept: a new one each time the scores reload (a
  // pan settling fetches them again) would rebuild every metric series for nothing.
  const clocks = useMemo(() => {
    if (xAxis === "step") return NO_CLOCKS;
    const m = new Map<number, RunClock>();
    for (const s of scoreMap.runs.values()) if (!m.has(s.runId) && s.completed) m.set(s.runId, runClock(s.steps, s.completed));
    return m;
  }, [xAxis === "step" ? null : scoreMap, xAxis]);
  // The checkpoint a point on the x axis stands for (on a time axis, the one nearest in time).
  const stepOf = useCallback((runId: number, x: number) => (xAxis === "step" ? x : stepAtX(clocks.get(runId) ?? { steps: [], times: [] }, xAxis, x)), [xAxis, clocks]);
  // Bands are a bootstrap per step over every item's samples: they are asked for once the series are drawn, and
  // only at the steps the group means show (cut to the panels' pixels), so the first chart never waits for them.
  const bandSteps = useMemo(() => {
    const set = new Set<number>();
    for (const list of scoreMap.groups.values()) for (const g of list) for (const st of g.steps) set.add(st);
    return [...set].sort((a, b) => a - b);
  }, [scoreMap]);
  const groupBands = useLive<GroupBand[]>(
    api,
    // One context unless every context is drawn: the bands of contexts not shown are not computed.
    async () => (grouped && xAxis === "step" && bandSteps.length > 0 ? api.getGroupBands({ runIds: ids, context: layout === "contexts" ? undefined : ctx, steps: bandSteps }) : []),
    (e) => e.type === "scores-updated" && runSet.has(e.runId),
    [idKey, xAxis, grouped, layout, ctx, bandSteps.join(",")],
  );
  const panelAnnotations: PanelAnnotation[] = useMemo(
    () =>
      (annotations.data ?? []).flatMap((a) => {
        const colour = a.color ?? runs.find((r) => r.id === a.runId)?.colour ?? GROUP_COLOUR;
        if (xAxis === "step") return [{ id: a.id, x: a.step, to: a.to, text: a.text, colour, runId: a.runId }];
        // On a time axis an annotation sits at its step's time on its run's clock.
        const clock = clocks.get(a.runId);
        if (!clock) return [];
        const at = (step: number) => axisX(xAxis, timeOfStep(clock, step), clockStart(clock));
        return [{ id: a.id, x: at(a.step), to: a.to === null ? null : at(a.to), text: a.text, colour, runId: a.runId }];
      }),
    [xAxis, annotations.data, runs, clocks],
  );

  // Series are built when their data changes, not on every pan or hover (a few thousand points each, as cut by the
  // core).
  const metricSeries: [string, PanelSeries[]][] = useMemo(
    () => keys.map((k) => [k, runs.map((r) => metricPanelSeries(r, metrics.data?.get(`${r.id}\u0000${k}`), xAxis, clocks.get(r.id), state.metricScale === "log"))]),
    [metrics.data, keys.join(","), xAxis, runs, clocks, state.metricScale], // keys compared by value
  );
  // With "group means only", a panel keeps each group's mean and the runs that belong to no group of two or more.
  const meansOnly = useCallback(
    (series: PanelSeries[]) => {
      if (!state.groupsOnly) return series;
      const inMeans = new Set(series.filter((s) => s.key.startsWith("group:")).map((s) => s.key.slice("group:".length)));
      return series.filter((s) => s.key.startsWith("group:") || !inMeans.has(runs.find((r) => `run:${r.id}` === s.key)?.group ?? "\u0000"));
    },
    [state.groupsOnly, runs],
  );
  const traitPanels = useMemo(() => {
    const panels: { title: string; unit: string; series: PanelSeries[]; trait?: string; context?: string; role?: string; row?: string }[] = [];
    if (layout === "multiples") for (const t of traitList) panels.push({ title: `${t.name} · ${ctx}`, unit: t.unit, series: meansOnly(scoreSeries(runs, scoreMap, t.trait, ctx, xAxis, groupBands.data)), trait: t.trait, context: ctx, role: t.role });
    if (layout === "overlay") {
      panels.push({
        title: `All traits · ${ctx}`,
        unit: "",
        // Traits told apart by dash pattern and marker, and named at the end of each line.
        series: traitList.flatMap((t, i) => {
          const { dash, marker } = traitStyle(i);
          // One end label per trait (on its first line), so labels do not pile up where runs end together.
          return meansOnly(scoreSeries(runs, scoreMap, t.trait, ctx, xAxis, groupBands.data)).map((s, k) => ({ ...s, key: `${s.key}:${t.trait}`, label: `${s.label} · ${t.name}`, dash, marker, ...(k === 0 ? { endLabel: t.name } : {}) }));
        }),
      });
    }
    // A row per trait; each panel is titled by its context (the row heading names the trait).
    if (layout === "contexts") for (const t of traitList) for (const c of t.contexts) panels.push({ title: c, unit: t.unit, series: meansOnly(scoreSeries(runs, scoreMap, t.trait, c, xAxis, groupBands.data)), trait: t.trait, context: c, role: t.role, row: t.trait });
    return panels;
  }, [layout, traitList, ctx, runs, scoreMap, xAxis, groupBands.data, meansOnly]);

  const rolloutPanels = useMemo(() => {
    if (!showRollouts || xAxis !== "step") return [];
    const points = rollouts.data ?? [];
    const traitIds = [...new Set(points.map((p) => p.trait))];
    return traitIds.map((t) => ({ trait: t, title: `${traitList.find((x) => x.trait === t)?.name ?? t} · rollouts`, series: rolloutSeries(runs, points, t, rolloutMeasure) }));
  }, [showRollouts, xAxis, rollouts.data, traitList, runs, rolloutMeasure]);

  const [lo, hi] = useMemo(() => xExtent([...traitPanels.map((p) => p.series), ...metricSeries.map(([, s]) => s), ...rolloutPanels.map((p) => p.series)]), [traitPanels, metricSeries, rolloutPanels]);
  // Kept by value, so data arriving without moving the extent (annotations, metrics) does not redraw every panel.
  const autoDomain = useMemo<[number, number]>(() => [lo, hi], [lo, hi]);
  const domain = zoom ?? autoDomain;
  const formatX = xAxis === "time" ? (v: number) => new Date(v * 1000).toLocaleString() : xAxis === "elapsed" ? (v: number) => `${v.toFixed(2)} h since the run's first checkpoint` : undefined;
  const xLabel = xAxis === "time" ? "wall time" : xAxis === "elapsed" ? "hours since the run's first checkpoint" : "step";
  // Stable callbacks, so panels whose data did not change skip re-rendering (InteractivePanel is memoised).
  const open = useCallback(
    (key: string, x: number) => {
      const run = runs.find((r) => `run:${r.id}` === key.split(":").slice(0, 2).join(":"));
      const step = run ? stepOf(run.id, x) : null;
      if (run && step !== null) onOpen(run.id, step);
    },
    [runs, stepOf, onOpen],
  );
  // A point of a trait's panel opens exactly the samples behind it: that run, step, trait and context. One stable
  // callback per panel, so panels whose data did not change still skip re-rendering.
  const openers = useMemo(() => {
    const m = new Map<string, (key: string, x: number) => void>();
    for (const p of traitPanels) {
      if (!p.trait || !p.context) continue;
      const { trait, context } = p;
      m.set(`${trait}\u0000${context}`, (key, x) => {
        const run = runs.find((r) => `run:${r.id}` === key.split(":").slice(0, 2).join(":"));
        const step = run ? stepOf(run.id, x) : null;
        if (run && step !== null) onOpen(run.id, step, trait, context);
      });
    }
    return m;
  }, [traitPanels, runs, stepOf, onOpen]);
  const annotate = useCallback(
    (key: string, x: number, to: number | null) => {
      const run = runs.find((r) => `run:${r.id}` === key.split(":").slice(0, 2).join(":"));
      const step = run ? stepOf(run.id, x) : null;
      const stepTo = run && to !== null ? stepOf(run.id, to) : null;
      if (run && step !== null) setDraft({ runId: run.id, step, to: stepTo !== null && stepTo !== step ? stepTo : null });
    },
    [runs, stepOf],
  );
  // A rollout point opens the rollout browser at that run, step and trait.
  const openRollout = useCallback(
    (trait: string) => (key: string, x: number) => {
      const run = runs.find((r) => `run:${r.id}` === key.split(":").slice(0, 2).join(":"));
      if (run) onOpenRollouts?.(run.id, x, trait);
    },
    [runs, onOpenRollouts],
  );
  // Ctrl/Cmd+E opens the Export dialog from anywhere in the drift view.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === "e") {
        e.preventDefault();
        setExporting(true);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  const exportSpec: ChartSpec = {
    ...defaultSpec(ids),
    context: layout === "contexts" ? null : ctx,
    metrics: keys,
    // Exports draw either time axis as hours from the first checkpoint.
    xAxis: xAxis === "step" ? "step" : "time",
    // A zoomed step range carries over; on a time axis the app zooms in its own units while exports count hours
    // from the first checkpoint, so the export starts unzoomed there.
    range: xAxis === "step" ? zoom : null,
    smoothing,
    ci: bands,
    // The rollout panels drawn here go into the export too (the dialog can leave them out).
    ...(rolloutPanels.length ? { rollouts: [rolloutMeasure] } : {}),
  };

  const saveDraft = async () => {
    if (!draft || !draftText.trim()) return;
    await api.createAnnotation({ runId: draft.runId, step: draft.step, to: draft.to, text: draftText.trim() });
    setDraft(null);
    setDraftText("");
  };

  return (
    <div>
      <div className="toolbar">
        <label>
          Layout
          <select aria-label="Layout" value={layout} onChange={(e) => setLayout(e.target.value as Layout)}>
            <option value="multiples">one panel per trait</option>
            <option value="overlay">traits overlaid</option>
            <option value="contexts">contexts side by side</option>
          </select>
        </label>
        <label>
          Context
          <select aria-label="Eval context" value={ctx} onChange={(e) => setContext(e.target.value)} disabled={layout === "contexts"}>
            {contexts.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
        <label>
          x axis
          <select aria-label="x axis" value={xAxis} onChange={(e) => onState({ xAxis: e.target.value as XAxis, zoom: null })}>
            <option value="step">step</option>
            <option value="time">wall time</option>
            <option value="elapsed">hours since run start</option>
          </select>
        </label>
        <label>
          Smoothing
          <input aria-label="Smoothing" type="range" min={0} max={0.95} step={0.05} value={smoothing} onChange={(e) => setSmoothing(Number(e.target.value))} />
          <span className="note">{smoothing.toFixed(2)}</span>
        </label>
        <label>
          y range
          <select aria-label="y range" value={yRange} onChange={(e) => onState({ yRange: e.target.value as DriftState["yRange"] })}>
            <option value="auto">fitted to the data</option>
            <option value="0-1">0 to 1 (shares)</option>
            <option value="0-100">0 to 100 (judge scores)</option>
            <option value="custom">custom</option>
          </select>
        </label>
        {yRange === "custom" ? <CustomRange value={state.yCustom} onChange={(yCustom) => onState({ yCustom })} /> : null}
        <label>
          Metric scale
          <select aria-label="Metric y scale" value={state.metricScale} onChange={(e) => onState({ metricScale: e.target.value as DriftState["metricScale"] })}>
            <option value="linear">linear</option>
            <option value="log">log</option>
          </select>
        </label>
        <label>
          <input type="checkbox" aria-label="Mark the largest change" checked={state.changes} onChange={(e) => onState({ changes: e.target.checked })} /> Largest change
        </label>
        <label>
          <input type="checkbox" aria-label="Group means only" checked={state.groupsOnly} onChange={(e) => onState({ groupsOnly: e.target.checked })} /> Group means only
        </label>
        <label>
          <input type="checkbox" aria-label="CI bands" checked={bands} onChange={(e) => setBands(e.target.checked)} /> CI bands
        </label>
        <label>
          Metrics
          <select aria-label="Training metrics" multiple size={1} value={keys} onChange={(e) => setMetricKeys([...e.target.selectedOptions].map((o) => o.value))}>
            {(allKeys.data ?? []).map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        {(rollouts.data ?? []).length > 0 ? (
          <>
            <label>
              <input type="checkbox" aria-label="Rollout panels" checked={showRollouts} onChange={(e) => setShowRollouts(e.target.checked)} /> Rollouts
            </label>
            <label>
              Rollout measure
              <select aria-label="Rollout measure" value={rolloutMeasure} onChange={(e) => setRolloutMeasure(e.target.value as RolloutMeasure)} disabled={!showRollouts}>
                {(Object.keys(ROLLOUT_MEASURES) as RolloutMeasure[]).map((m) => (
                  <option key={m} value={m}>
                    {ROLLOUT_MEASURES[m]}
                  </option>
                ))}
              </select>
            </label>
          </>
        ) : null}
        {zoom ? <button onClick={() => setZoom(null)}>Reset zoom</button> : null}
        <button onClick={() => setExporting(true)} disabled={ids.length === 0} title="Export for a paper or slides (Ctrl/Cmd+E)">
          Export…
        </button>
        <span className="note">hover for values · click a point for its samples · wheel to zoom, drag to pan · shift-drag or “a” to annotate</span>
      </div>
      {draft ? (
        <div className="annotation-form">
          {/* The run the annotation belongs to: the series nearest the pointer, changeable here. */}
          <label>
            Annotate
            <select aria-label="Annotation run" value={draft.runId} onChange={(e) => setDraft({ ...draft, runId: Number(e.target.value) })}>
              <RunOptions runs={runs} />
            </select>
          </label>
          <span>
            at step {draft.step}
            {draft.to !== null ? `–${draft.to}` : ""}:
          </span>
          <input aria-label="Annotation text" autoFocus value={draftText} onChange={(e) => setDraftText(e.target.value)} onKeyDown={(e) => e.key === "Enter" && saveDraft()} />
          <button className="primary" onClick={saveDraft}>
            Save
          </button>
          <button onClick={() => setDraft(null)}>Cancel</button>
        </div>
      ) : null}
      {alertDraft ? <AlertRuleForm api={api} runs={runs} traits={traitList} initial={alertDraft} onDone={() => setAlertDraft(null)} /> : null}
      {exporting && ids.length > 0 ? <ExportDialog api={api} runs={runs} traits={traitList} initial={exportSpec} onClose={() => setExporting(false)} /> : null}
      {scores.error ? <div className="error section">{scores.error}</div> : null}
      {runs.length > 0 ? (
        <ul className="legend" aria-label="Legend">
          {runs.map((r) => (
            <li key={r.id}>
              <span className="swatch" style={{ background: r.colour }} /> {r.name}
              {r.group ? <span className="note"> · {r.group}</span> : null}
            </li>
          ))}
          {layout === "overlay"
            ? traitList.map((t, i) => (
                <li key={`trait:${t.trait}`} data-trait-key={t.trait}>
                  <TraitKey index={i} /> {t.name}
                </li>
              ))
            : null}
          {[...new Set(runs.map((r) => r.group).filter((g): g is string => !!g && runs.filter((r) => r.group === g).length >= 2))].map((g) => (
            <li key={`group:${g}`}>
              <span className="swatch dashed" style={{ borderColor: runs.find((r) => r.group === g)?.groupColour ?? GROUP_COLOUR }} /> {g} (mean of {runs.filter((r) => r.group === g).length})
            </li>
          ))}
        </ul>
      ) : null}
      <div className={layout === "contexts" ? "panels context-rows" : "panels"} ref={panelsRef}>
        {!scoresLoaded && ids.length > 0 ? <p className="note section">Loading scores…</p> : null}
        {layout === "contexts"
          ? (scoresLoaded ? traitList : []).map((t) => {
              const row = traitPanels.filter((p) => p.row === t.trait);
              // One y scale across the row, so a trait's contexts compare by height (unless a range is fixed).
              const rowDomain = yDomain ?? yExtent(row.map((p) => p.series));
              return (
                <section key={t.trait} className="context-row" aria-label={`${t.name} in each context`}>
                  <h3 className="panels-heading">
                    {t.name} {ROLE_NAMES[t.role] ? <span className={`badge role-badge role-${t.role}`}>{ROLE_NAMES[t.role]}</span> : null}
                    {t.unit ? <span className="note"> {t.unit}</span> : null}
                  </h3>
                  <div className="context-row-panels">
                    {row.map((p) => (
                      <InteractivePanel key={p.title} title={p.title} width={width} height={height} series={p.series} annotations={panelAnnotations} xDomain={domain} yDomain={rowDomain} showBands={bands} xLabel={xLabel} xTime={xAxis === "time"} theme={theme} onZoom={setZoom} onOpen={openers.get(`${p.trait}\u0000${p.context}`) ?? open} onAnnotate={annotate} formatX={formatX} crosshair={crosshair} changeMarkers={state.changes} />
                    ))}
                  </div>
                </section>
              );
            })
          : (scoresLoaded ? traitPanels : []).map((p) => (
              <div className="panel-wrap" key={p.title}>
                {/* Above the chart, not over its title: the trait's role and the alert button. */}
                <div className="panel-head">
                  {p.role && ROLE_NAMES[p.role] ? <span className={`badge role-badge role-${p.role}`}>{ROLE_NAMES[p.role]}</span> : <span />}
                  {p.trait && runs[0] ? (
                    <button className="panel-alert" aria-label={`Alert me when ${p.title} goes above…`} onClick={() => setAlertDraft({ target: { kind: "run", runId: runs[0]!.id }, subject: { kind: "trait", trait: p.trait!, context: p.context ?? null }, condition: { kind: "above", value: 0.5, ci: false } })}>
                      Alert…
                    </button>
                  ) : null}
                </div>
                <InteractivePanel title={p.title} unit={p.unit} width={width} height={height} series={p.series} annotations={panelAnnotations} xDomain={domain} yDomain={yDomain} showBands={bands} xLabel={xLabel} xTime={xAxis === "time"} theme={theme} onZoom={setZoom} onOpen={(p.trait && p.context && openers.get(`${p.trait}\u0000${p.context}`)) || open} onAnnotate={annotate} formatX={formatX} crosshair={crosshair} changeMarkers={state.changes} />
              </div>
            ))}
        {scoresLoaded && traitPanels.length === 0 ? (
          <p className="note section" data-testid="no-scores">
            {runs.some((r) => r.probing)
              ? "No probe results yet: scores appear here as checkpoints are probed (the Queue tab shows progress)."
              : "No probe results: these runs are not set to be probed. Open a run's edit form in the sidebar and choose its suites and backend."}
          </p>
        ) : null}
      </div>
      {rolloutPanels.length > 0 ? (
        <section className="rollout-panels" aria-label="Rollouts: what the policy sampled during training">
          <h3 className="panels-heading">
            Rollouts <span className="badge rollouts">sampled during RL</span> <span className="note">dashed · {ROLLOUT_MEASURES[rolloutMeasure]} · click a point to read that step's rollouts</span>
          </h3>
          <div className="panels">
            {rolloutPanels.map((p) => (
              <InteractivePanel key={p.title} title={p.title} unit={ROLLOUT_MEASURES[rolloutMeasure]} width={underWidth} height={height} series={p.series} annotations={panelAnnotations} xDomain={domain} showBands={bands} xLabel={xLabel} xTime={xAxis === "time"} theme={theme} onZoom={setZoom} onOpen={openRollout(p.trait)} onAnnotate={annotate} formatX={formatX} crosshair={crosshair} />
            ))}
          </div>
        </section>
      ) : null}
      <div className="panels">
        {metricSeries.map(([k, series]) => (
          <InteractivePanel key={k} title={state.metricScale === "log" ? `${k} (log scale)` : k} width={underWidth} height={170} series={series} annotations={panelAnnotations} xDomain={domain} showBands={false} xLabel={xLabel} xTime={xAxis === "time"} theme={theme} onZoom={setZoom} onOpen={open} onAnnotate={annotate} formatX={formatX} crosshair={crosshair} yLog={state.metricScale === "log"} changeMarkers={state.changes} />
        ))}
      </div>
    </div>
  );
}

/** The bounds of a custom y range, applied when both read as numbers with the first below the second. */
function CustomRange({ value, onChange }: { value: [number, number] | null; onChange: (v: [number, number] | null) => void }) {
  const [lo, setLo] = useState(value ? String(value[0]) : "0");
  const [hi, setHi] = useState(value ? String(value[1]) : "1");
  const apply = (a: string, b: string) => {
    const [x, y] = [Number(a), Number(b)];
    if (a.trim() !== "" && b.trim() !== "" && Number.isFinite(x) && Number.isFinite(y) && x < y) onChange([x, y]);
  };
  useEffect(() => {
    if (!value) apply(lo, hi); // the range takes effect as soon as "custom" is chosen
  }, []);
  const bad = !(Number(lo) < Number(hi));
  return (
    <span className="custom-range">
      <label>
        y from <input aria-label="y from" inputMode="decimal" size={5} value={lo} onChange={(e) => (setLo(e.target.value), apply(e.target.value, hi))} />
      </label>
      <label>
        to <input aria-label="y to" inputMode="decimal" size={5} value={hi} onChange={(e) => (setHi(e.target.value), apply(lo, e.target.value))} />
      </label>
      {bad ? <span className="error"> the lower bound must be below the upper</span> : null}
    </span>
  );
}

/** The overlay's key for a trait: its dash pattern and marker, in the text colour. */
function TraitKey({ index }: { index: number }) {
  const { dash, marker } = traitStyle(index);
  return (
    <svg width={30} height={10} aria-hidden="true" className="trait-key">
      <line x1={1} x2={29} y1={5} y2={5} stroke="currentColor" strokeWidth={1.6} strokeDasharray={dash.length ? dash.map((d) => d * 1.6).join(" ") : undefined} />
      <path d={markerPath(marker, 15, 5, 3)} fill={marker === "cross" ? "none" : "currentColor"} stroke="currentColor" />
    </svg>
  );
}
