// The experiment view: conditions against a control across seeds. The effect matrix (conditions x traits by role,
// per context: Δ with its interval, hatched where the interval includes 0), the context grid of one trait (the
// "leaky backdoor" grid), the trade-off scatter of the wanted against an unwanted trait, and the run table; a run
// opens its checkpoint and samples. Numbers come from the core's two-level bootstrap (getEffects).
import { useMemo, useRef, useState } from "react";
import type { Api, ExperimentEffects, RunView } from "../../shared/api.js";
import { DeltaStepsChart, deltaSteps } from "../../shared/chart/DeltaStepsChart.js";
import { EXPERIMENT_EXPORT_FORMATS, type ExperimentExportFormat, type ExperimentView as ExperimentViewName } from "../../shared/chart/experimentExportSpec.js";
import { ROLE_BADGE, TradeoffScatter, cellColour, experimentContexts, fmt, orderedTraits } from "../../shared/chart/experimentFigures.js";
import type { PresetId } from "../../shared/chart/exportSpec.js";
import { manifestText } from "../../shared/chart/manifest.js";
import { saveExport } from "../saveFile.js";
import { PresetSelect } from "./PresetSelect.js";
import { useLive } from "../useApi.js";
import { RunOptions } from "./RunOptions.js";

function NewExperiment({ api, runs, onCreated }: { api: Api; runs: RunView[]; onCreated: (name: string) => void }) {
  const groups = [...new Set(runs.map((r) => r.group).filter((g): g is string => g !== null))];
  const [name, setName] = useState("");
  const [control, setControl] = useState(groups[0] ?? "");
  const [compared, setCompared] = useState<string[]>(groups.slice(1));
  const [reference, setReference] = useState<string>("");
  const [tags, setTags] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  if (groups.length < 2) return <p className="note">An experiment compares groups of runs: give runs a group (their condition) and a seed first.</p>;
  return (
    <div className="alert-form" role="group" aria-label="New experiment">
      <label htmlFor="exp-name">Experiment name</label>
      <input id="exp-name" value={name} onChange={(e) => setName(e.target.value)} />
      <label htmlFor="exp-control">Control</label>
      <select id="exp-control" value={control} onChange={(e) => setControl(e.target.value)}>
        {groups.map((g) => (
          <option key={g}>{g}</option>
        ))}
      </select>
      <fieldset>
        <legend>Compared conditions</legend>
        {groups
          .filter((g) => g !== control)
          .map((g) => (
            <span key={g} className="condition-choice">
              <label>
                <input type="checkbox" checked={compared.includes(g)} onChange={(e) => setCompared(e.target.checked ? [...compared, g] : compared.filter((x) => x !== g))} /> {g}
              </label>
              <label>
                techniques
                <input aria-label={`Techniques of ${g}`} value={tags[g] ?? ""} placeholder="e.g. ip, bct" size={10} onChange={(e) => setTags({ ...tags, [g]: e.target.value })} />
              </label>
            </span>
          ))}
      </fieldset>
      <label htmlFor="exp-reference">Reference run (base model)</label>
      <select id="exp-reference" value={reference} onChange={(e) => setReference(e.target.value)}>
        <option value="">none</option>
        <RunOptions runs={runs} />
      </select>
      <button
        className="primary"
        onClick={async () => {
          try {
            const chosen = compared.filter((g) => g !== control);
            const techniqueTags = Object.fromEntries(
              [control, ...chosen].map((g) => [g, (tags[g] ?? "").split(",").map((t) => t.trim()).filter(Boolean)] as const).filter(([, t]) => t.length > 0),
            );
            const e = await api.createExperiment({ name: name.trim(), control, groups: chosen, tags: techniqueTags, ...(reference ? { reference: Number(reference) } : {}) });
            onCreated(e.name);
          } catch (err) {
            setError((err as Error).message);
          }
        }}
      >
        Create experiment
      </button>
      {error ? <span className="error">{error}</span> : null}
    </div>
  );
}

/** Downloads one experiment view (or the matrix as data), drawn by the core from the same figure code as the CLI's. */
function ExportExperiment({ api, experiment, at, context, trait, theme }: { api: Api; experiment: string; at: string; context: string; trait: string; theme: "light" | "dark" }) {
  const [view, setView] = useState<ExperimentViewName>("matrix");
  const [format, setFormat] = useState<ExperimentExportFormat>("svg");
  const [preset, setPreset] = useState<PresetId>("paper2");
  const [status, setStatus] = useState("");
  const formats = EXPERIMENT_EXPORT_FORMATS.filter((f) => view === "matrix" || (f !== "csv" && f !== "tex"));
  const chosen = formats.includes(format) ? format : "svg";
  const download = async () => {
    const fileName = `${experiment.replace(/[^\w.-]+/g, "-")}-${view}.${chosen}`;
    setStatus("Exporting…");
    try {
      const r = await api.renderExperimentExport({ experiment, view, format: chosen, at: at === "every" ? undefined : at, context, trait, preset, theme, fileName });
      const where = await saveExport(api, { fileName, mimeType: r.mimeType, base64: r.base64, manifest: manifestText(r.manifest) });
      setStatus(where === null ? "Cancelled." : where === "downloaded" ? `Downloaded ${fileName} and its manifest.` : `Saved ${where} and its manifest.`);
    } catch (err) {
      setStatus(`Export failed: ${(err as Error).message}`);
    }
  };
  return (
    <div className="toolbar" role="group" aria-label="Export an experiment view">
      <label>
        View
        <select aria-label="Export view" value={view} onChange={(e) => setView(e.target.value as ExperimentViewName)}>
          <option value="matrix">effect matrix</option>
          <option value="grid">context grid</option>
          <option value="scatter">trade-off scatter</option>
          <option value="steps">Δ across steps</option>
        </select>
      </label>
      <label>
        Format
        <select aria-label="Export view format" value={chosen} onChange={(e) => setFormat(e.target.value as ExperimentExportFormat)}>
          {formats.map((f) => (
            <option key={f} value={f}>
              {f.toUpperCase()}
            </option>
          ))}
        </select>
      </label>
      <PresetSelect label="Export view preset" value={preset} onChange={setPreset} />
      <button onClick={() => void download()}>Export view</button>
      <span className="note" role="status">
        {status}
      </span>
    </div>
  );
}

/** Δ versus the control at every probed step, for the grid's trait under the matrix's context. */
function DeltaOverSteps({ api, experiment, control, trait, traitName, context }: { api: Api; experiment: string; control: string; trait: string; traitName: string; context: string }) {
  const steps = useLive(api, async () => (trait && context ? api.getEffects({ experiment, at: "every", traits: [trait], contexts: [context] }) : null), (e) => e.type === "scores-updated", [experiment, trait, context]);
  const series = steps.data ? deltaSteps(steps.data.rows, control, trait, context) : [];
  return (
    <div className="delta-over-steps">
      <h3>
        Δ versus {control} across steps · {traitName} · {context}
      </h3>
      {steps.error ? <p className="error">{steps.error}</p> : null}
      {steps.data && series.length === 0 ? <p className="note">No step has both the control and a compared condition probed yet.</p> : null}
      {series.length ? <DeltaStepsChart title={`Δ ${traitName} versus ${control} · ${context}`} series={series} width={860} height={260} showTitle={false} /> : null}
    </div>
  );
}

export function ExperimentView({ api, runs, onOpen, theme }: { api: Api; runs: RunView[]; onOpen: (runId: number, step: number, trait?: string, context?: string) => void; theme: "light" | "dark" }) {
  // An experiment made elsewhere (the CLI, serve --demo) appears without a reload.
  const experiments = useLive(api, () => api.listExperiments({}), (e) => e.type === "experiments-changed", []);
  const [chosen, setChosen] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [at, setAt] = useState("final");
  const [windowFrom, setWindowFrom] = useState("");
  const [windowTo, setWindowTo] = useState("");
  const name = chosen ?? experiments.data?.[0]?.name ?? null;
  const effects = useLive<ExperimentEffects | null>(api, async () => (name ? api.getEffects({ experiment: name, at, gaps: ["inoculation:none"] }) : null), (e) => e.type === "scores-updated", [name, at]);
  const data = effects.data ?? null;
  const traits = useMemo(() => (data ? orderedTraits(data) : []), [data]);
  const contexts = useMemo(() => (data ? experimentContexts(data) : []), [data]);
  const [ctx, setCtx] = useState<string | null>(null);
  const context = ctx && contexts.includes(ctx) ? ctx : (contexts.includes("none") ? "none" : contexts[0]) ?? "";
  const [gridTrait, setGridTrait] = useState<string | null>(null);
  const trait = gridTrait ?? traits.find((t) => t.role !== "wanted")?.trait ?? traits[0]?.trait ?? "";
  const wanted = traits.find((t) => t.role === "wanted")?.trait ?? traits[0]?.trait ?? "";
  const [sortBy, setSortBy] = useState<"value" | "run">("value");
  // A matrix cell or scatter point narrows the run table to its condition; the text filter matches run or condition.
  const [runCondition, setRunCondition] = useState<string>("");
  const [runFilter, setRunFilter] = useState("");
  const runsTable = useRef<HTMLTableElement | null>(null);
  const showRuns = (condition: string, t: string) => {
    setGridTrait(t);
    setRunCondition(condition);
    requestAnimationFrame(() => runsTable.current?.scrollIntoView({ block: "nearest" }));
  };
  const scale = Math.max(1e-9, ...(data?.rows.map((r) => Math.abs(r.delta ?? 0)) ?? [0]));
  const row = (c: string, t: string, x: string) => data?.rows.find((r) => r.condition === c && r.trait === t && r.context === x);
  const runRows = (data?.runs ?? [])
    .filter((r) => r.trait === trait && r.context === context && (!runCondition || r.condition === runCondition) && (!runFilter || `${r.run} ${r.condition}`.toLowerCase().includes(runFilter.toLowerCase())))
    .sort((a, b) => (sortBy === "value" ? (b.value ?? -Infinity) - (a.value ?? -Infinity) : a.run.localeCompare(b.run)));

  return (
    <div className="section experiment-view" data-view="experiment">
      <div className="toolbar">
        <label>
          Experiment
          <select aria-label="Experiment" value={name ?? ""} onChange={(e) => setChosen(e.target.value)}>
            {(experiments.data ?? []).map((e) => (
              <option key={e.id}>{e.name}</option>
            ))}
          </select>
        </label>
        <label>
          Point of comparison
          <select aria-label="Point of comparison" value={at} onChange={(e) => setAt(e.target.value)}>
            <option value="final">final probed checkpoint</option>
            {[...new Set(runs.map((r) => r.latestStep).filter((s): s is number => s !== null))].sort((a, b) => a - b).map((s) => (
              <option key={s} value={`step:${s}`}>
                step {s}
              </option>
            ))}
            {at.startsWith("window:") ? <option value={at}>{at.replace("window:", "steps ")} (mean)</option> : null}
          </select>
        </label>
        <span role="group" aria-label="Mean over a step window" className="inline-group">
          <label>
            window from
            <input aria-label="Window from step" inputMode="numeric" size={5} value={windowFrom} onChange={(e) => setWindowFrom(e.target.value)} />
          </label>
          <label>
            to
            <input aria-label="Window to step" inputMode="numeric" size={5} value={windowTo} onChange={(e) => setWindowTo(e.target.value)} />
          </label>
          <button disabled={!/^\d+$/.test(windowFrom) || !/^\d+$/.test(windowTo) || Number(windowTo) < Number(windowFrom)} onClick={() => setAt(`window:${Number(windowFrom)}-${Number(windowTo)}`)}>
            Compare over the window
          </button>
        </span>
        <label>
          Context
          <select aria-label="Matrix context" value={context} onChange={(e) => setCtx(e.target.value)}>
            {contexts.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
        <button onClick={() => setCreating(!creating)}>New experiment…</button>
      </div>
      {creating || (experiments.data && experiments.data.length === 0) ? (
        <NewExperiment
          api={api}
          runs={runs}
          onCreated={(n) => {
            setCreating(false);
            setChosen(n);
            experiments.reload();
          }}
        />
      ) : null}
      {effects.error ? <p className="error">{effects.error}</p> : null}
      {data ? (
        <>
          {data.notes.map((n) => (
            <p key={n} className="note">
              {n}
            </p>
          ))}
          <ExportExperiment api={api} experiment={data.experiment.name} at={at} context={context} trait={trait} theme={theme} />
          <h3>
            Effect matrix · {context} · Δ versus {data.experiment.control}
          </h3>
          <table className="effect-matrix" aria-label={`Effect matrix under ${context}`}>
            <thead>
              <tr>
                <th>condition</th>
                {traits.map((t) => (
                  <th key={t.trait}>
                    {t.name}
                    <div className={`badge role-${t.role}`}>{ROLE_BADGE[t.role] ?? t.role}</div>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.experiment.conditions.map((c) => (
                <tr key={c}>
                  <th>
                    {c}
                    {c === data.experiment.control ? <span className="note"> (control)</span> : null}
                  </th>
                  {traits.map((t) => {
                    const r = row(c, t.trait, context);
                    const zero = r?.deltaCiLow != null && r.deltaCiHigh != null && r.deltaCiLow <= 0 && r.deltaCiHigh >= 0;
                    return (
                      <td
                        key={t.trait}
                        className={`cell${zero ? " hatched" : ""}${r?.delta != null && c !== data.experiment.control ? " tinted" : ""}`}
                        style={{ backgroundColor: cellColour(r?.delta ?? null, scale) }}
                        data-cell={`${c}/${t.trait}`}
                        tabIndex={0}
                        title={r?.note ?? undefined}
                        onClick={() => showRuns(c, t.trait)}
                        onKeyDown={(e) => e.key === "Enter" && showRuns(c, t.trait)}
                      >
                        {c === data.experiment.control ? (
                          <span>{fmt(r?.mean)}</span>
                        ) : (
                          <>
                            <strong>{r?.delta != null ? (r.delta > 0 ? "+" : "") + fmt(r.delta) : "–"}</strong>
                            <div className="note">
                              [{fmt(r?.deltaCiLow)}, {fmt(r?.deltaCiHigh)}]
                            </div>
                          </>
                        )}
                        {r?.seeds === 1 ? <div className="note">1 seed</div> : null}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
          <p className="note">Blue: the trait fell versus the control; orange: it rose. Hatched: the 95% interval includes 0. Click a cell (or press Enter on it) for its context grid and the runs behind it.</p>

          <div className="experiment-pair">
            <div>
              <h3>
                Context grid · {traits.find((t) => t.trait === trait)?.name ?? trait}
              </h3>
              <label>
                Trait
                <select aria-label="Grid trait" value={trait} onChange={(e) => setGridTrait(e.target.value)}>
                  {traits.map((t) => (
                    <option key={t.trait} value={t.trait}>
                      {t.name}
                    </option>
                  ))}
                </select>
              </label>
              <table className="context-grid" aria-label={`Context grid for ${trait}`}>
                <thead>
                  <tr>
                    <th>condition</th>
                    {contexts.map((x) => (
                      <th key={x}>{x}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {data.experiment.conditions.map((c) => (
                    <tr key={c}>
                      <th>{c}</th>
                      {contexts.map((x) => {
                        const r = row(c, trait, x);
                        return (
                          <td key={x}>
                            {fmt(r?.mean)}
                            <div className="note">
                              [{fmt(r?.ciLow)}, {fmt(r?.ciHigh)}]
                            </div>
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
              {data.gaps
                .filter((g) => g.trait === trait)
                .map((g) => (
                  <div key={`${g.condition}/${g.gap}`} className="note">
                    {g.condition}: gap {g.gap} = {fmt(g.value)} [{fmt(g.ciLow)}, {fmt(g.ciHigh)}]
                  </div>
                ))}
            </div>
            <div>
              <h3>Trade-off · {context}</h3>
              <TradeoffScatter data={data} x={wanted} y={trait} context={context} onPick={(c) => showRuns(c, trait)} />
            </div>
          </div>

          <DeltaOverSteps api={api} experiment={data.experiment.name} control={data.experiment.control} trait={trait} traitName={traits.find((t) => t.trait === trait)?.name ?? trait} context={context} />

          <h3>
            Runs · {trait} · {context}
            {runCondition ? ` · ${runCondition}` : ""}
          </h3>
          <div className="toolbar">
            <label>
              Condition
              <select aria-label="Runs of condition" value={runCondition} onChange={(e) => setRunCondition(e.target.value)}>
                <option value="">every condition</option>
                {data.experiment.conditions.map((c) => (
                  <option key={c}>{c}</option>
                ))}
              </select>
            </label>
            <label>
              Filter runs
              <input aria-label="Filter runs" value={runFilter} placeholder="run or condition" onChange={(e) => setRunFilter(e.target.value)} />
            </label>
          </div>
          <table aria-label="Runs of the experiment" ref={runsTable}>
            <thead>
              <tr>
                <th>
                  <button onClick={() => setSortBy("run")}>run</button>
                </th>
                <th>condition</th>
                <th>seed</th>
                <th>
                  <button onClick={() => setSortBy("value")}>value</button>
                </th>
                <th>Δ vs control</th>
                <th>items</th>
                <th>steps</th>
              </tr>
            </thead>
            <tbody>
              {runRows.map((r) => {
                // The samples behind the value: the run's compared checkpoint (the last of a window), this trait and context.
                const step = r.steps[r.steps.length - 1];
                return (
                  <tr key={r.runId}>
                    <td>
                      <button onClick={() => step !== undefined && onOpen(r.runId, step, trait, context)} disabled={step === undefined} title={`open step ${step ?? "–"}: the samples of ${trait} under ${context}`}>
                        {r.run}
                      </button>
                    </td>
                    <td>{r.condition}</td>
                    <td>{r.seed ?? "–"}</td>
                    <td>{fmt(r.value)}</td>
                    <td>{fmt(r.delta)}</td>
                    <td>{r.items}</td>
                    <td>{r.steps.length > 1 ? `${r.steps[0]}–${r.steps[r.steps.length - 1]}` : (r.steps[0] ?? "–")}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p className="note">{data.method}</p>
        </>
      ) : null}
    </div>
  );
}
