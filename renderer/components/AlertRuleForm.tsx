// Creating or editing an alert rule: which runs, which series, which condition. Programs to run on firing are set
// from the command line on the machine itself (driftscope alerts add --exec), never from a page.
import { useId, useState } from "react";
import type { AlertCondition, AlertRule, AlertSubject, AlertTarget, Api, RunView, TraitInfo } from "../../shared/api.js";

type Kind = AlertCondition["kind"];
const KINDS: { kind: Kind; label: string }[] = [
  { kind: "above", label: "goes above" },
  { kind: "below", label: "goes below" },
  { kind: "jump", label: "jumps by more than" },
  { kind: "trend", label: "trends (slope per step) past" },
  { kind: "null-rate", label: "null share goes above" },
  { kind: "stalled", label: "run stalls (no new checkpoint)" },
  { kind: "probe-failures", label: "probing fails" },
];

export interface RuleDraft {
  target: AlertTarget;
  subject: AlertSubject;
  condition: AlertCondition;
}

export function draftFrom(rule: AlertRule): RuleDraft {
  return { target: rule.target, subject: rule.subject, condition: rule.condition };
}

export function AlertRuleForm({ api, runs, traits, metrics = [], initial, ruleId, onDone }: { api: Api; runs: RunView[]; traits: TraitInfo[]; metrics?: string[]; initial: RuleDraft; ruleId?: number; onDone: () => void }) {
  const id = useId();
  const [target, setTarget] = useState(initial.target.kind === "run" ? `run:${initial.target.runId}` : `group:${initial.target.group}`);
  const [subject, setSubject] = useState(
    initial.subject.kind === "trait" ? `trait:${initial.subject.trait}` : initial.subject.kind === "metric" ? `metric:${initial.subject.key}` : initial.subject.kind === "rollout" ? `rollout:${initial.subject.measure}:${initial.subject.trait}` : "health",
  );
  const [context, setContext] = useState(initial.subject.kind === "trait" ? (initial.subject.context ?? "") : "");
  const [kind, setKind] = useState<Kind>(initial.condition.kind);
  const c = initial.condition;
  const [value, setValue] = useState("value" in c ? String(c.value) : "0.5");
  const [window, setWindow] = useState("window" in c ? String(c.window) : "5");
  const [ci, setCi] = useState("ci" in c ? c.ci : false);
  const [error, setError] = useState<string | null>(null);
  const groups = [...new Set(runs.map((r) => r.group).filter((g): g is string => g !== null))];
  const health = kind === "stalled" || kind === "probe-failures";
  const trait = subject.startsWith("trait:") ? traits.find((t) => t.trait === subject.slice(6)) : undefined;
  // Probe scores, and the rollouts' prevalence and reward correlation, carry a 95% interval.
  const withInterval = Boolean(trait) || /^rollout:(mean|rewardCorr):/.test(subject);
  const save = async () => {
    const t: AlertTarget = target.startsWith("run:") ? { kind: "run", runId: Number(target.slice(4)) } : { kind: "group", group: target.slice(6) };
    const rollout = /^rollout:(mean|rewardCorr|advantageWeighted|rewardShare):(.+)$/.exec(subject);
    const s: AlertSubject = health
      ? { kind: "health" }
      : subject.startsWith("metric:")
        ? { kind: "metric", key: subject.slice(7) }
        : rollout
          ? { kind: "rollout", measure: rollout[1] as "mean", trait: rollout[2]! }
          : { kind: "trait", trait: subject.slice(6), context: context || null };
    const v = Number(value);
    const cond: AlertCondition =
      kind === "stalled" || kind === "probe-failures" ? { kind } : kind === "trend" ? { kind, value: v, window: Number(window) } : kind === "null-rate" ? { kind, value: v } : { kind, value: v, ci: withInterval && ci };
    try {
      if (ruleId === undefined) await api.createAlertRule({ target: t, subject: s, condition: cond });
      else await api.updateAlertRule({ id: ruleId, target: t, subject: s, condition: cond });
      onDone();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <div className="alert-form" role="group" aria-label={ruleId === undefined ? "New alert rule" : `Edit alert rule ${ruleId}`}>
      <label htmlFor={`${id}-target`}>Alert on</label>
      <select id={`${id}-target`} value={target} onChange={(e) => setTarget(e.target.value)}>
        {runs.map((r) => (
          <option key={r.id} value={`run:${r.id}`}>
            run {r.name}
          </option>
        ))}
        {groups.map((g) => (
          <option key={g} value={`group:${g}`}>
            every run of group {g}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-when`}>when</label>
      <select id={`${id}-when`} value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
        {KINDS.map((k) => (
          <option key={k.kind} value={k.kind}>
            {k.label}
          </option>
        ))}
      </select>
      {!health ? (
        <>
          <label htmlFor={`${id}-subject`}>Watch</label>
          <select id={`${id}-subject`} value={subject} onChange={(e) => setSubject(e.target.value)}>
            {traits.map((t) => (
              <option key={t.trait} value={`trait:${t.trait}`}>
                {t.name}
              </option>
            ))}
            {traits.flatMap((t) =>
              (
                [
                  ["mean", "prevalence in rollouts"],
                  ["rewardCorr", "reward correlation in rollouts"],
                  ["advantageWeighted", "advantage-weighted, rollouts"],
                  ["rewardShare", "reward share, rollouts"],
                ] as const
              ).map(([m, label]) => (
                <option key={`${t.trait}:${m}`} value={`rollout:${m}:${t.trait}`}>
                  {t.name}: {label}
                </option>
              )),
            )}
            {[...new Set([...metrics, ...(subject.startsWith("metric:") ? [subject.slice(7)] : [])])].map((k) => (
              <option key={k} value={`metric:${k}`}>
                metric {k}
              </option>
            ))}
          </select>
          {trait ? (
            <>
              <label htmlFor={`${id}-context`}>Context</label>
              <select id={`${id}-context`} value={context} onChange={(e) => setContext(e.target.value)}>
                <option value="">each context</option>
                {trait.contexts.map((x) => (
                  <option key={x}>{x}</option>
                ))}
              </select>
            </>
          ) : null}
          <label htmlFor={`${id}-value`}>Value</label>
          <input id={`${id}-value`} type="number" step="any" value={value} onChange={(e) => setValue(e.target.value)} style={{ width: "6em" }} />
          {kind === "trend" ? (
            <>
              <label htmlFor={`${id}-window`}>over checkpoints</label>
              <input id={`${id}-window`} type="number" min={2} value={window} onChange={(e) => setWindow(e.target.value)} style={{ width: "4em" }} />
            </>
          ) : null}
          {(kind === "above" || kind === "below" || kind === "jump") && withInterval ? (
            <label>
              <input type="checkbox" checked={ci} onChange={(e) => setCi(e.target.checked)} /> only once the 95% interval is clear
            </label>
          ) : null}
        </>
      ) : null}
      <button className="primary" onClick={save}>
        {ruleId === undefined ? "Add rule" : "Save rule"}
      </button>
      <button onClick={onDone}>Cancel</button>
      {error ? <span className="error">{error}</span> : null}
    </div>
  );
}
