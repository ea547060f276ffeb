// The experiment view: conditions against a control across seeds. The effect matrix (conditions x traits by role,
// per context: Δ with its interval, hatched where the interval includes 0), the context grid of one trait (the
// "leaky backdoor" grid), the trade-off scatter of the wanted against an unwanted trait, and the run table; a run
// opens its checkpoint and samples. Numbers come from the core's two-level bootstrap (getEffects).
import { interpolateRgb, scaleLinear } from "d3";
import { useMemo, useState } from "react";
import type { Api, ExperimentEffects, RunView } from "../../shared/api.js";
import { DeltaStepsChart, deltaSteps } from "../../shared/chart/DeltaStepsChart.js";
import { useLive } from "../useApi.js";

const ROLE_ORDER = ["wanted", "unwanted_in_distribution", "unwanted_out_of_distribution", "control"];
const ROLE_BADGE: Record<string, string> = { wanted: "wanted", unwanted_in_distribution: "unwanted · in-dist.", unwanted_out_of_distribution: "unwanted · OOD", control: "control" };
const fmt = (v: number | null | undefined, d = 3) => (v === null || v === undefined ? "–" : v.toFixed(d));
// Okabe-Ito blue through white to vermillion: readable with the common colour-vision deficiencies.
const toBlue = interpolateRgb("#ffffff", "#0072B2");
const toRed = interpolateRgb("#ffffff", "#D55E00");

function cellColour(delta: number | null, scale: number): string {
  if (delta === null || scale === 0) return "transparent";
  const t = Math.min(1, Math.abs(delta) / scale) * 0.8;
  return delta < 0 ? toBlue(t) : toRed(t);
}

function NewExperiment({ api, runs, onCreated }: { api: Api; runs: RunView[]; onCreated: (name: string) => void }) {
  const groups = [...new Set(runs.map((r) => r.group).filter((g): g is string => g !== null))];
  const [name, setName] = useState("");
  const [control, setControl] = useState(groups[0] ?? "");
  const [compared, setCompared] = useState<string[]>(groups.slice(1));
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
            <label key={g}>
              <input type="checkbox" checked={compared.includes(g)} onChange={(e) => setCompared(e.target.checked ? [...compared, g] : compared.filter((x) => x !== g))} /> {g}
            </label>
          ))}
      </fieldset>
      <button
        className="primary"
        onClick={async () => {
          try {
            const e = await api.createExperiment({ name: name.trim(), control, groups: compared.filter((g) => g !== control) });
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

function Scatter({ data, x, y, context }: { data: ExperimentEffects; x: string; y: string; context: string }) {
  const W = 420;
  const H = 320;
  const m = { l: 56, r: 16, t: 14, b: 44 };
  const points = data.experiment.conditions.map((c) => ({
    c,
    x: data.rows.find((r) => r.condition === c && r.trait === x && r.context === context),
    y: data.rows.find((r) => r.condition === c && r.trait === y && r.context === context),
  }));
  const xs = points.flatMap((p) => [p.x?.ciLow, p.x?.ciHigh]).filter((v): v is number => typeof v === "number");
  const ys = points.flatMap((p) => [p.y?.ciLow, p.y?.ciHigh]).filter((v): v is number => typeof v === "number");
  const sx = scaleLinear().domain([Math.min(0, ...xs), Math.max(1e-9, ...xs)]).nice().range([m.l, W - m.r]);
  const sy = scaleLinear().domain([Math.min(0, ...ys), Math.max(1e-9, ...ys)]).nice().range([H - m.b, m.t]);
  return (
    <svg width={W} height={H} role="img" aria-label={`Trade-off: ${x} against ${y} under ${context}`} className="scatter">
      <line x1={m.l} x2={W - m.r} y1={H - m.b} y2={H - m.b} className="axis" />
      <line x1={m.l} x2={m.l} y1={m.t} y2={H - m.b} className="axis" />
      {sx.ticks(5).map((t) => (
        <text key={`x${t}`} x={sx(t)} y={H - m.b + 14} textAnchor="middle" className="tick">
          {t}
        </text>
      ))}
      {sy.ticks(5).map((t) => (
        <text key={`y${t}`} x={m.l - 6} y={sy(t) + 4} textAnchor="end" className="tick">
          {t}
        </text>
      ))}
      <text x={(m.l + W - m.r) / 2} y={H - 8} textAnchor="middle" className="label">
        {x} (wanted)
      </text>
      <text transform={`translate(14 ${(m.t + H - m.b) / 2}) rotate(-90)`} textAnchor="middle" className="label">
        {y}
      </text>
      {points.map((p, i) =>
        p.x?.mean != null && p.y?.mean != null ? (
          <g key={p.c} data-condition={p.c}>
            <line x1={sx(p.x.ciLow ?? p.x.mean)} x2={sx(p.x.ciHigh ?? p.x.mean)} y1={sy(p.y.mean)} y2={sy(p.y.mean)} className="errorbar" />
            <line x1={sx(p.x.mean)} x2={sx(p.x.mean)} y1={sy(p.y.ciLow ?? p.y.mean)} y2={sy(p.y.ciHigh ?? p.y.mean)} className="errorbar" />
            {p.c === data.experiment.control ? (
              <rect x={sx(p.x.mean) - 5} y={sy(p.y.mean) - 5} width={10} height={10} className="point control" />
            ) : p.c === data.reference ? (
              <path d={`M${sx(p.x.mean)} ${sy(p.y.mean) - 7}l7 7l-7 7l-7 -7z`} className="point reference" />
            ) : (
              <circle cx={sx(p.x.mean)} cy={sy(p.y.mean)} r={5} className={`point c${i % 7}`} />
            )}
            <text x={sx(p.x.mean) + 8} y={sy(p.y.mean) - 6} className="tick">
              {p.c}
              {p.c === data.experiment.control ? " (control)" : p.c === data.reference ? " (base model)" : ""}
            </text>
          </g>
        ) : null,
      )}
    </svg>
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

export function ExperimentView({ api, runs, onOpen }: { api: Api; runs: RunView[]; onOpen: (runId: number, step: number) => void }) {
  // An experiment made elsewhere (the CLI, serve --demo) appears without a reload.
  const experiments = useLive(api, () => api.listExperiments({}), (e) => e.type === "experiments-changed", []);
  const [chosen, setChosen] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [at, setAt] = useState("final");
  const name = chosen ?? experiments.data?.[0]?.name ?? null;
  const effects = useLive<ExperimentEffects | null>(api, async () => (name ? api.getEffects({ experiment: name, at, gaps: ["inoculation:none"] }) : null), (e) => e.type === "scores-updated", [name, at]);
  const data = effects.data ?? null;
  const traits = useMemo(() => [...(data?.traits ?? [])].sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role)), [data]);
  // In the suite's own order (no system prompt first), not alphabetically.
  const contexts = useMemo(() => {
    const seen = new Set(data?.rows.map((r) => r.context) ?? []);
    const ordered = [...new Set((data?.traits ?? []).flatMap((t) => t.contexts))].filter((c) => seen.has(c));
    return [...ordered, ...[...seen].filter((c) => !ordered.includes(c))];
  }, [data]);
  const [ctx, setCtx] = useState<string | null>(null);
  const context = ctx && contexts.includes(ctx) ? ctx : (contexts.includes("none") ? "none" : contexts[0]) ?? "";
  const [gridTrait, setGridTrait] = useState<string | null>(null);
  const trait = gridTrait ?? traits.find((t) => t.role !== "wanted")?.trait ?? traits[0]?.trait ?? "";
  const wanted = traits.find((t) => t.role === "wanted")?.trait ?? traits[0]?.trait ?? "";
  const [sortBy, setSortBy] = useState<"value" | "run">("value");
  const scale = Math.max(1e-9, ...(data?.rows.map((r) => Math.abs(r.delta ?? 0)) ?? [0]));
  const row = (c: string, t: string, x: string) => data?.rows.find((r) => r.condition === c && r.trait === t && r.context === x);
  const runRows = (data?.runs ?? []).filter((r) => r.trait === trait && r.context === context).sort((a, b) => (sortBy === "value" ? (b.value ?? -Infinity) - (a.value ?? -Infinity) : a.run.localeCompare(b.run)));

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
          </select>
        </label>
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
                        onClick={() => setGridTrait(t.trait)}
                        onKeyDown={(e) => e.key === "Enter" && setGridTrait(t.trait)}
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
          <p className="note">Blue: the trait fell versus the control; orange: it rose. Hatched: the 95% interval includes 0. Click a cell for its context grid and runs.</p>

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
              <Scatter data={data} x={wanted} y={trait} context={context} />
            </div>
          </div>

          <DeltaOverSteps api={api} experiment={data.experiment.name} control={data.experiment.control} trait={trait} traitName={traits.find((t) => t.trait === trait)?.name ?? trait} context={context} />

          <h3>Runs · {trait} · {context}</h3>
          <table aria-label="Runs of the experiment">
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
              </tr>
            </thead>
            <tbody>
              {runRows.map((r) => {
                const run = runs.find((x) => x.id === r.runId);
                return (
                  <tr key={r.runId}>
                    <td>
                      <button onClick={() => run?.latestStep != null && onOpen(r.runId, run.latestStep)} title="open its checkpoint and samples">
                        {r.run}
                      </button>
                    </td>
                    <td>{r.condition}</td>
                    <td>{r.seed ?? "–"}</td>
                    <td>{fmt(r.value)}</td>
                    <td>{fmt(r.delta)}</td>
                    <td>{r.items}</td>
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
