// One checkpoint: its training metrics, scores per trait and context, the samples behind them (sortable, filterable),
// a side-by-side comparison with another checkpoint on the same items, and its annotations.
import { useEffect, useState } from "react";
import type { Annotation } from "../../shared/api.js";
import type { Api, ProbePreview, RunView, SampleView } from "../../shared/api.js";
import { useLive } from "../useApi.js";
import { RunOptions } from "./RunOptions.js";

const fmt = (v: number | null | undefined) => (v === null || v === undefined ? "–" : Number(v.toPrecision(3)).toString());

function judgeDetail(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .map(([name, v]) => {
      const s = v as { value: number | null; nullReason?: string; raw?: { token: string; logprob: number }[]; estimator?: string; answers?: string[] };
      const top = s.raw ? ` (top: ${s.raw.slice(0, 3).map((t) => `${t.token}:${Math.exp(t.logprob).toFixed(2)}`).join(" ")})` : "";
      // A judge scored by sampling (its server gave no logprobs) says so, with its answers.
      const sampled = s.estimator === "sampled" ? ` (estimator: sampled, answers: ${(s.answers ?? []).join(", ")})` : "";
      return `${name}=${fmt(s.value)}${s.nullReason ? ` [${s.nullReason}]` : ""}${top}${sampled}`;
    })
    .join("; ");
}

/** The system prompt the samples of one trait and context were asked under, as the run is probed. */
function SystemPrompt({ preview, trait, context }: { preview: ProbePreview | null; trait: string; context: string }) {
  const c = preview?.traits.find((t) => t.trait === trait)?.contexts.find((x) => x.key === context);
  if (!c) return null;
  return (
    <div className="system-prompt" data-testid="system-prompt">
      <strong>System prompt</strong> of context {context} ({c.role}):{" "}
      {c.missing ? <span className="note">not probed: the run has no variable {c.missing.join(", ")}</span> : c.system === null ? <span className="note">none</span> : <q>{c.system}</q>}
    </div>
  );
}

/** Samples shown per page (the rest are a page away, never silently cut). */
const PAGE = 100;

export function CheckpointView({ api, run, runs, step, onStep, initialTrait, initialContext }: { api: Api; run: RunView; runs: RunView[]; step: number; onStep: (step: number) => void; initialTrait?: string; initialContext?: string }) {
  const [trait, setTrait] = useState(initialTrait ?? "");
  // Opened from one value (an experiment's run, say): its trait and context are chosen, and can be widened.
  const [context, setContext] = useState(initialContext ?? "");
  const [filter, setFilter] = useState("");
  const [sort, setSort] = useState<"item" | "score" | "-score">("item");
  // Compared with another step of this run, or with another run (the other arm) at this step or another.
  const [compare, setCompare] = useState<number | null>(null);
  const [compareRun, setCompareRun] = useState<number | null>(null);
  const [page, setPage] = useState(0);
  const [tagsText, setTagsText] = useState("");
  // A new choice of samples starts at their first page.
  useEffect(() => setPage(0), [trait, context, filter, sort, step]);
  const checkpoints = useLive(api, () => api.listCheckpoints({ runId: run.id }), (e) => e.type === "checkpoint-changed" && e.runId === run.id, [run.id]);
  const scores = useLive(api, () => api.getScores({ runId: run.id }), (e) => e.type === "scores-updated" && e.runId === run.id, [run.id]);
  const samples = useLive(api, () => api.getSamples({ runId: run.id, step }), (e) => e.type === "scores-updated" && e.runId === run.id && e.step === step, [run.id, step]);
  const comparing = compare !== null || compareRun !== null;
  const otherRun = compareRun ?? run.id;
  const otherStep = compare ?? step;
  const other = useLive<SampleView[]>(api, async () => (comparing ? api.getSamples({ runId: otherRun, step: otherStep }) : []), () => false, [otherRun, otherStep, comparing]);
  const keys = useLive(api, () => api.metricKeys({ runIds: [run.id] }), () => false, [run.id]);
  const metrics = useLive(
    api,
    // Only this step's values: a long run logs a million points per key.
    async () => (await api.getMetrics({ runIds: [run.id], keys: (keys.data ?? []).slice(0, 50), step }))[0]?.points ?? [],
    (e) => e.type === "metrics-added" && e.runId === run.id,
    [run.id, step, (keys.data ?? []).join(",")],
  );
  const annotations = useLive(api, () => api.listAnnotations({ runIds: [run.id] }), (e) => e.type === "annotation-changed" && e.runId === run.id, [run.id]);
  // The eval contexts' system prompts as this run is probed with them (its variables filled in).
  const suites = run.probing?.suites ?? [];
  const preview = useLive(api, async () => (suites.length ? api.previewProbing({ suites, runId: run.id }) : null), (e) => e.type === "run-changed" && e.runId === run.id, [run.id, suites.join(",")]);
  const steps = (checkpoints.data ?? []).map((c) => c.step);
  const [editing, setEditing] = useState<Annotation | null>(null);
  // A step that is no checkpoint of the run (a click on a training-metric panel, an old link) opens the nearest one.
  useEffect(() => {
    if (steps.length === 0 || steps.includes(step)) return;
    onStep(steps.reduce((best, s) => (Math.abs(s - step) < Math.abs(best - step) ? s : best), steps[0]!));
  }, [steps.join(","), step, onStep]); // steps compared by value
  // Left and right arrow keys step through checkpoints (not while typing in a field).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement | null)?.closest("input, textarea, select")) return;
      const i = steps.indexOf(step);
      if (e.key === "ArrowLeft" && i > 0) onStep(steps[i - 1]!);
      if (e.key === "ArrowRight" && i >= 0 && i < steps.length - 1) onStep(steps[i + 1]!);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [steps.join(","), step, onStep]); // steps compared by value
  const here = (annotations.data ?? []).filter((a) => a.step === step || (a.to !== null && a.step <= step && step <= a.to));
  const traits = [...new Set((samples.data ?? []).map((s) => s.trait))];
  const contexts = [...new Set((samples.data ?? []).filter((s) => !trait || s.trait === trait).map((s) => s.context))];
  let rows = (samples.data ?? []).filter((s) => (!trait || s.trait === trait) && (!context || s.context === context) && (!filter || `${s.prompt} ${s.response} ${s.context} ${s.item}`.toLowerCase().includes(filter.toLowerCase())));
  rows = [...rows].sort((a, b) => (sort === "item" ? a.item.localeCompare(b.item) || a.sample - b.sample : sort === "score" ? (a.score ?? -1) - (b.score ?? -1) : (b.score ?? -1) - (a.score ?? -1)));
  const pages = Math.max(1, Math.ceil(rows.length / PAGE));
  const shownPage = Math.min(page, pages - 1);
  const pageRows = rows.slice(shownPage * PAGE, (shownPage + 1) * PAGE);
  const otherLabel = `${compareRun !== null ? (runs.find((r) => r.id === compareRun)?.name ?? `run ${compareRun}`) : "this run"} at step ${otherStep}`;
  const counterpart = (s: SampleView) => other.data?.find((o) => o.trait === s.trait && o.context === s.context && o.item === s.item && o.sample === s.sample);

  return (
    <div className="section" data-view="checkpoint">
      <h3>
        {run.name} · step {step}{" "}
        <button onClick={() => onStep(steps[Math.max(0, steps.indexOf(step) - 1)] ?? step)} aria-label="Previous checkpoint">
          ◀
        </button>{" "}
        <button onClick={() => onStep(steps[Math.min(steps.length - 1, steps.indexOf(step) + 1)] ?? step)} aria-label="Next checkpoint">
          ▶
        </button>
      </h3>
      <p className="note">
        Metrics at this step: {(metrics.data ?? []).map((m) => `${m.key}=${fmt(m.value)}`).join(", ") || "none logged"}
      </p>
      <table aria-label="Scores">
        <thead>
          <tr>
            <th>trait</th>
            <th>context</th>
            <th>mean</th>
            <th>95% CI</th>
            <th>n</th>
            <th>nulls</th>
          </tr>
        </thead>
        <tbody>
          {(scores.data ?? [])
            .filter((s) => s.step === step)
            .map((s) => (
              <tr key={`${s.trait}/${s.context}`}>
                <td>{s.trait}</td>
                <td>{s.context}</td>
                <td>{fmt(s.mean)}</td>
                <td>
                  {fmt(s.ciLow)} – {fmt(s.ciHigh)}
                </td>
                <td>{s.n}</td>
                <td>{s.nulls}</td>
              </tr>
            ))}
        </tbody>
      </table>
      {here.length > 0 ? (
        <div style={{ margin: "8px 0" }}>
          <strong>Annotations:</strong>{" "}
          {here.map((a) => (
            <span key={a.id} className="pill" data-annotation={a.id}>
              <span style={{ color: a.color ?? undefined }}>{a.text}</span> {a.tags.map((t) => `#${t}`).join(" ")}{" "}
              <button aria-label={`Edit annotation ${a.text}`} onClick={() => (setEditing(a), setTagsText(a.tags.join(", ")))}>
                edit
              </button>
              <button aria-label={`Delete annotation ${a.text}`} onClick={() => api.deleteAnnotation({ id: a.id })}>
                ×
              </button>
            </span>
          ))}
        </div>
      ) : null}
      {editing ? (
        <div className="annotation-form" data-testid="annotation-editor">
          <input aria-label="Edit annotation text" value={editing.text} onChange={(e) => setEditing({ ...editing, text: e.target.value })} />
          {/* The text is kept as typed ("caps, " mid-word) and split into tags only when saved. */}
          <input aria-label="Annotation tags" placeholder="tags, comma separated" value={tagsText} onChange={(e) => setTagsText(e.target.value)} />
          <input aria-label="Annotation colour" type="color" value={editing.color ?? "#0072b2"} onChange={(e) => setEditing({ ...editing, color: e.target.value })} />
          <input aria-label="Annotation range end" type="number" placeholder="to step" value={editing.to ?? ""} onChange={(e) => setEditing({ ...editing, to: e.target.value === "" ? null : Number(e.target.value) })} />
          <button className="primary" onClick={() => api.updateAnnotation({ id: editing.id, text: editing.text, tags: tagsText.split(",").map((t) => t.trim()).filter(Boolean), color: editing.color, to: editing.to }).then(() => setEditing(null))}>
            Save
          </button>
          <button onClick={() => setEditing(null)}>Cancel</button>
        </div>
      ) : null}
      <div className="toolbar">
        <label>
          Trait
          <select aria-label="Sample trait" value={trait} onChange={(e) => setTrait(e.target.value)}>
            <option value="">all</option>
            {/* The chosen trait is an option while the samples load, so the selection shows from the start. */}
            {[...new Set([...traits, ...(trait ? [trait] : [])])].map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          Context
          <select aria-label="Sample context" value={context} onChange={(e) => setContext(e.target.value)}>
            <option value="">all</option>
            {[...new Set([...contexts, ...(context ? [context] : [])])].map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
        <input aria-label="Filter samples" placeholder="filter prompt, answer, context…" value={filter} onChange={(e) => setFilter(e.target.value)} />
        <label>
          Compare with run
          <select aria-label="Compare with run" value={compareRun ?? ""} onChange={(e) => setCompareRun(e.target.value === "" ? null : Number(e.target.value))}>
            <option value="">this run</option>
            <RunOptions runs={runs.filter((r) => r.id !== run.id)} withGroup />
          </select>
        </label>
        <label>
          Compare with step
          <select aria-label="Compare with step" value={compare ?? ""} onChange={(e) => setCompare(e.target.value === "" ? null : Number(e.target.value))}>
            <option value="">{compareRun !== null ? "this step" : "—"}</option>
            {steps.filter((s) => s !== step || compareRun !== null).map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <span className="note" data-testid="sample-count">
          {rows.length === 0 ? "0 samples" : `samples ${shownPage * PAGE + 1}–${shownPage * PAGE + pageRows.length} of ${rows.length}`}
        </span>
        {pages > 1 ? (
          <span role="group" aria-label="Sample pages">
            <button onClick={() => setPage(shownPage - 1)} disabled={shownPage === 0}>
              Previous {PAGE}
            </button>
            <button onClick={() => setPage(shownPage + 1)} disabled={shownPage >= pages - 1}>
              Next {PAGE}
            </button>
          </span>
        ) : null}
      </div>
      {trait && context ? <SystemPrompt preview={preview.data ?? null} trait={trait} context={context} /> : null}
      <table aria-label="Samples">
        <thead>
          <tr>
            <th onClick={() => setSort("item")}>trait · context · item</th>
            <th>prompt</th>
            <th>response</th>
            <th onClick={() => setSort(sort === "-score" ? "score" : "-score")}>score {sort === "score" ? "▲" : sort === "-score" ? "▼" : ""}</th>
            {comparing ? <th>{otherLabel}</th> : null}
          </tr>
        </thead>
        <tbody>
          {pageRows.map((s) => {
            const o = counterpart(s);
            return (
              <tr key={`${s.trait}/${s.context}/${s.item}/${s.sample}`} className="sample-row">
                <td>
                  {s.trait} · {s.context} · {s.item}#{s.sample}
                </td>
                <td>{s.prompt}</td>
                <td className="response">
                  {s.response}
                  <div className="note">{judgeDetail(s.detail)}</div>
                </td>
                <td title={s.nullReason ?? ""}>{fmt(s.score)}</td>
                {comparing ? (
                  <td className="response">
                    {o?.response ?? "–"}
                    <div className="note">score {fmt(o?.score)}</div>
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
