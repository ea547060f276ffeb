// What the policy explored during RL, for one run: a trait's score distribution per step (heatmap of steps x score
// bins), reward against the trait for a chosen step (scatter), and the rollout browser (filter by step, sort by
// reward, advantage or score, read prompt and completion). Opened from a rollout point in the drift view, or here.
import { useMemo, useState } from "react";
import { scaleLinear, scaleSequential, interpolateBlues } from "d3";
import type { Api, RolloutPoint, RunView } from "../../shared/api.js";
import { useLive } from "../useApi.js";
import { RunOptions } from "./RunOptions.js";

export interface RolloutFocus {
  runId: number;
  step: number | null;
  trait: string | null;
}

const PAGE = 50;

function Heatmap({ cells, steps, bins, lo, hi, onPick, selected }: { cells: { step: number; bin: number; count: number }[]; steps: number[]; bins: number; lo: number; hi: number; onPick: (step: number) => void; selected: number | null }) {
  const width = 860;
  const height = 220;
  const m = { l: 44, r: 8, t: 8, b: 28 };
  const x = scaleLinear().domain([steps[0] ?? 0, (steps[steps.length - 1] ?? 1) + 1]).range([m.l, width - m.r]);
  const y = scaleLinear().domain([lo, hi]).range([height - m.b, m.t]);
  // Each step's column is normalised to its own count, so a step with more rollouts does not dominate the colour.
  const totals = new Map<number, number>();
  for (const c of cells) totals.set(c.step, (totals.get(c.step) ?? 0) + c.count);
  const colour = scaleSequential(interpolateBlues).domain([0, 1]);
  const cw = Math.max(1, (width - m.l - m.r) / Math.max(1, steps.length));
  const bh = (height - m.t - m.b) / bins;
  return (
    <svg width={width} height={height} role="img" aria-label="Distribution of the trait's rollout scores per step (heatmap)" className="rollout-heatmap">
      {cells.map((c) => (
        <rect key={`${c.step}:${c.bin}`} x={x(c.step)} y={height - m.b - (c.bin + 1) * bh} width={cw} height={bh} fill={colour(c.count / (totals.get(c.step) ?? 1))} onClick={() => onPick(c.step)}>
          <title>{`step ${c.step}: ${c.count} rollouts with score in [${(lo + ((hi - lo) * c.bin) / bins).toFixed(2)}, ${(lo + ((hi - lo) * (c.bin + 1)) / bins).toFixed(2)})`}</title>
        </rect>
      ))}
      {selected !== null ? <line x1={x(selected) + cw / 2} x2={x(selected) + cw / 2} y1={m.t} y2={height - m.b} className="crosshair" /> : null}
      {y.ticks(4).map((t) => (
        <text key={t} x={m.l - 4} y={y(t) + 3} textAnchor="end" className="tick">
          {t}
        </text>
      ))}
      {x.ticks(8).map((t) => (
        <text key={t} x={x(t)} y={height - 8} textAnchor="middle" className="tick">
          {t}
        </text>
      ))}
    </svg>
  );
}

function Scatter({ rows, score, lo, hi }: { rows: { reward: number | null; value: number | null; advantage: number | null }[]; score: string; lo: number; hi: number }) {
  const width = 420;
  const height = 260;
  const m = { l: 44, r: 10, t: 10, b: 34 };
  const pts = rows.filter((r): r is { reward: number; value: number; advantage: number | null } => r.reward !== null && r.value !== null);
  const rewards = pts.map((p) => p.reward);
  const x = scaleLinear().domain([lo, hi]).range([m.l, width - m.r]);
  const y = scaleLinear().domain([Math.min(0, ...rewards), Math.max(1e-9, ...rewards)]).nice().range([height - m.b, m.t]);
  return (
    <svg width={width} height={height} role="img" aria-label={`Reward against ${score} for the chosen step (scatter)`} className="rollout-scatter">
      <line x1={m.l} x2={width - m.r} y1={height - m.b} y2={height - m.b} className="axis" />
      <line x1={m.l} x2={m.l} y1={m.t} y2={height - m.b} className="axis" />
      {pts.map((p, i) => (
        <circle key={i} cx={x(p.value)} cy={y(p.reward)} r={3} className={p.advantage !== null && p.advantage > 0 ? "pos" : "neg"}>
          <title>{`${score} ${p.value.toFixed(3)}, reward ${p.reward.toFixed(3)}${p.advantage !== null ? `, advantage ${p.advantage.toFixed(3)}` : ""}`}</title>
        </circle>
      ))}
      {x.ticks(5).map((t) => (
        <text key={t} x={x(t)} y={height - m.b + 14} textAnchor="middle" className="tick">
          {t}
        </text>
      ))}
      {y.ticks(5).map((t) => (
        <text key={t} x={m.l - 4} y={y(t) + 3} textAnchor="end" className="tick">
          {t}
        </text>
      ))}
      <text x={(m.l + width) / 2} y={height - 4} textAnchor="middle" className="axis-label">
        {score}
      </text>
      <text x={10} y={m.t + 8} className="axis-label">
        reward
      </text>
    </svg>
  );
}

export function RolloutsView({ api, runs, focus, onFocus }: { api: Api; runs: RunView[]; focus: RolloutFocus | null; onFocus: (f: RolloutFocus) => void }) {
  const runId = focus?.runId ?? runs[0]?.id ?? null;
  const series = useLive<RolloutPoint[]>(api, async () => (runId === null ? [] : api.getRolloutSeries({ runIds: [runId] })), (e) => e.type === "rollouts-updated" && e.runId === runId, [runId]);
  const traits = useMemo(() => [...new Set((series.data ?? []).map((p) => p.trait))], [series.data]);
  const trait = focus?.trait && traits.includes(focus.trait) ? focus.trait : (traits[0] ?? null);
  const steps = useMemo(() => [...new Set((series.data ?? []).filter((p) => p.trait === trait).map((p) => p.step))].sort((a, b) => a - b), [series.data, trait]);
  const step = focus?.step !== null && focus?.step !== undefined && steps.includes(focus.step) ? focus.step : (steps[steps.length - 1] ?? null);
  const point = (series.data ?? []).find((p) => p.trait === trait && p.step === step);
  const hist = useLive(api, async () => (runId !== null && trait ? api.getRolloutHistogram({ runId, trait, bins: 20 }) : null), (e) => e.type === "rollouts-updated" && e.runId === runId, [runId, trait]);
  const [sort, setSort] = useState<"reward" | "advantage" | "score">("reward");
  const [page, setPage] = useState(0);
  const samples = useLive(
    api,
    async () => (runId !== null && step !== null ? api.getRolloutSamples({ runId, step, trait: trait ?? undefined, sort: trait ? sort : sort === "score" ? "reward" : sort, limit: PAGE, offset: page * PAGE }) : null),
    (e) => e.type === "rollouts-updated" && e.runId === runId,
    [runId, step, trait, sort, page],
  );
  // The scatter keeps the step and trait its rows belong to: while a newly chosen step loads, the previous rows stay
  // on screen (useLive never blanks), and the heading must name the step they are from, not the one chosen.
  const scatter = useLive(
    api,
    async () => (runId !== null && step !== null && trait ? { step, trait, rows: (await api.getRolloutSamples({ runId, step, trait, limit: 1000 })).rows } : null),
    (e) => e.type === "rollouts-updated" && e.runId === runId,
    [runId, step, trait],
  );
  const set = (f: Partial<RolloutFocus>) => {
    setPage(0);
    onFocus({ runId: runId ?? 0, step, trait, ...f });
  };
  if (runs.length === 0) return <p className="note section">No runs yet.</p>;
  const scorer = point?.scorer ?? "score";
  const scatterScorer = (series.data ?? []).find((p) => p.trait === scatter.data?.trait)?.scorer ?? scorer;
  const total = samples.data?.total ?? 0;
  return (
    <div className="section rollouts-view" data-view="rollouts">
      <div className="toolbar">
        <label>
          Run
          <select aria-label="Rollouts of run" value={runId ?? ""} onChange={(e) => set({ runId: Number(e.target.value), step: null })}>
            <RunOptions runs={runs} />
          </select>
        </label>
        <label>
          Trait
          <select aria-label="Rollout trait" value={trait ?? ""} onChange={(e) => set({ trait: e.target.value })}>
            {traits.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          Step
          <select aria-label="Rollout step" value={step ?? ""} onChange={(e) => set({ step: Number(e.target.value) })}>
            {steps.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </div>
      {series.data && series.data.length === 0 ? <p className="note">No rollouts for this run yet: they are read from the trainer's logs (TRL's completions/, or watch --rollouts PATH) and scored with its suites' text scorers.</p> : null}
      {point ? (
        <p className="note" data-testid="rollout-step-summary">
          rollouts at step {point.step}: {point.n} scored over {point.prompts} prompt{point.prompts === 1 ? "" : "s"}; prevalence {point.mean?.toFixed(3) ?? "–"}
          {point.ciLow !== null ? ` [${point.ciLow.toFixed(3)}, ${point.ciHigh!.toFixed(3)}]` : " (no interval: fewer than two prompts)"}; ρ with reward {point.rewardCorr?.toFixed(3) ?? "–"}; advantage-weighted {point.advantageWeighted?.toFixed(3) ?? "–"}; reward share above {point.threshold} {point.rewardShare?.toFixed(3) ?? "–"}
        </p>
      ) : null}
      {hist.data && hist.data.cells.length > 0 ? (
        <>
          <h3>Distribution of {trait} across steps (rollouts)</h3>
          <Heatmap cells={hist.data.cells} steps={steps} bins={hist.data.bins} lo={hist.data.lo} hi={hist.data.hi} onPick={(s) => set({ step: s })} selected={step} />
        </>
      ) : null}
      {scatter.data && scatter.data.rows.length > 0 ? (
        <>
          <h3>
            Reward against {scatter.data.trait} at step {scatter.data.step}
          </h3>
          <Scatter rows={scatter.data.rows.map((r) => ({ reward: r.reward, advantage: r.advantage, value: r.scores[scatterScorer] ?? null }))} score={scatterScorer} lo={hist.data?.lo ?? 0} hi={hist.data?.hi ?? 1} />
          <p className="note">Filled: positive advantage (the update pushes toward it); hollow: negative.</p>
        </>
      ) : null}
      {step !== null ? (
        <>
          <h3>
            Rollouts at step {step} ({total})
          </h3>
          <div className="toolbar">
            <label>
              Sort by
              <select aria-label="Sort rollouts by" value={sort} onChange={(e) => (setSort(e.target.value as typeof sort), setPage(0))}>
                <option value="reward">reward</option>
                <option value="advantage">advantage</option>
                <option value="score">trait score</option>
              </select>
            </label>
            <button onClick={() => setPage(Math.max(0, page - 1))} disabled={page === 0}>
              Previous
            </button>
            <span className="note">
              {total === 0 ? 0 : page * PAGE + 1}–{Math.min(total, (page + 1) * PAGE)} of {total}
            </span>
            <button onClick={() => setPage(page + 1)} disabled={(page + 1) * PAGE >= total}>
              Next
            </button>
          </div>
          <table aria-label="Rollouts" className="rollout-table">
            <thead>
              <tr>
                <th>reward</th>
                <th>advantage</th>
                <th>scores</th>
                <th>prompt</th>
                <th>completion</th>
              </tr>
            </thead>
            <tbody>
              {(samples.data?.rows ?? []).map((r, i) => (
                <tr key={i}>
                  <td>{r.reward?.toFixed(3) ?? "–"}</td>
                  <td>{r.advantage?.toFixed(3) ?? "–"}</td>
                  <td>
                    {Object.entries(r.scores).map(([k, v]) => (
                      <div key={k}>
                        {k}: {v === null ? "null" : v.toFixed(3)}
                      </div>
                    ))}
                  </td>
                  <td className="text">{r.prompt}</td>
                  <td className="text">{r.completion}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </div>
  );
}
