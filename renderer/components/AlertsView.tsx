// Alerts: the rules (create, edit, remove) and everything they fired, newest first; browser notifications are
// turned on from here, by a click, never asked for on load.
import { useState } from "react";
import type { AlertRule, Api, RunView } from "../../shared/api.js";
import { useLive } from "../useApi.js";
import { AlertRuleForm, draftFrom, type RuleDraft } from "./AlertRuleForm.js";

function describe(rule: AlertRule, runName: (id: number) => string): string {
  const target = rule.target.kind === "run" ? `run ${runName(rule.target.runId)}` : `group ${rule.target.group}`;
  const s = rule.subject;
  const what = s.kind === "trait" ? `${s.trait} (${s.context ?? "each context"})` : s.kind === "metric" ? s.key : s.kind === "rollout" ? `${s.trait} rollouts' ${s.measure === "mean" ? "prevalence" : s.measure}` : "health";
  const c = rule.condition;
  const when = c.kind === "stalled" ? "stalls" : c.kind === "probe-failures" ? "probing fails" : c.kind === "trend" ? `trend past ${c.value}/step over ${c.window}` : `${c.kind} ${c.value}${"ci" in c && c.ci ? " (95% CI)" : ""}`;
  return `${target}: ${what} ${when}`;
}

export function NotificationSwitch({ desktop }: { desktop: boolean }) {
  const supported = typeof Notification !== "undefined";
  const [permission, setPermission] = useState(supported ? Notification.permission : "denied");
  if (desktop) return <span className="note">Alerts show as desktop notifications.</span>;
  if (!supported) return <span className="note">This browser has no notifications; alerts show as banners.</span>;
  if (permission === "granted") return <span className="note" data-testid="notifications-on">Browser notifications are on.</span>;
  return (
    <button onClick={async () => setPermission(await Notification.requestPermission())} disabled={permission === "denied"}>
      {permission === "denied" ? "Notifications blocked by the browser" : "Turn on browser notifications"}
    </button>
  );
}

export function AlertsView({ api, runs }: { api: Api; runs: RunView[] }) {
  const rules = useLive(api, () => api.listAlertRules({}), (e) => e.type === "alerts-changed", []);
  const fired = useLive(api, () => api.listFiredAlerts({}), (e) => e.type === "alert-fired", []);
  const ids = runs.map((r) => r.id);
  const traits = useLive(api, async () => (ids.length ? api.listTraits({ runIds: ids }) : []), (e) => e.type === "run-changed", [ids.join(",")]);
  const metrics = useLive(api, async () => (ids.length ? api.metricKeys({ runIds: ids }) : []), (e) => e.type === "metrics-added", [ids.join(",")]);
  const [editing, setEditing] = useState<{ id?: number; draft: RuleDraft } | null>(null);
  const runName = (id: number) => runs.find((r) => r.id === id)?.name ?? `#${id}`;
  const first = traits.data?.[0];
  const blank: RuleDraft | null = runs[0] ? { target: { kind: "run", runId: runs[0].id }, subject: first ? { kind: "trait", trait: first.trait, context: null } : metrics.data?.[0] ? { kind: "metric", key: metrics.data[0] } : { kind: "health" }, condition: first || metrics.data?.[0] ? { kind: "above", value: 0.5, ci: false } : { kind: "stalled" } } : null;
  return (
    <div className="section" data-view="alerts">
      <h3>Rules</h3>
      <NotificationSwitch desktop={Boolean(api.desktop)} />
      <table aria-label="Alert rules">
        <tbody>
          {(rules.data ?? []).map((r) => (
            <tr key={r.id}>
              <td>{r.id}</td>
              <td>{describe(r, runName)}</td>
              <td className="note">{r.exec ? `runs ${r.exec.join(" ")}` : ""}</td>
              <td>
                <button onClick={() => setEditing({ id: r.id, draft: draftFrom(r) })}>Edit</button>
                <button onClick={() => api.deleteAlertRule({ id: r.id }).then(rules.reload)}>Remove</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing ? (
        <AlertRuleForm api={api} runs={runs} traits={traits.data ?? []} metrics={metrics.data ?? []} initial={editing.draft} ruleId={editing.id} onDone={() => (setEditing(null), rules.reload())} />
      ) : blank ? (
        <button onClick={() => setEditing({ draft: blank })}>New rule…</button>
      ) : (
        <p className="note">Add a run first.</p>
      )}
      <p className="note">A rule fires once per crossing, in step order, annotates the step and notifies. To run a program on firing, use `driftscope alerts add … --exec PROGRAM`.</p>
      <h3>Fired</h3>
      <table aria-label="Fired alerts">
        <tbody>
          {[...(fired.data ?? [])].reverse().map((a) => (
            <tr key={a.id}>
              <td>{new Date(a.firedAt).toLocaleString()}</td>
              <td>{a.message}</td>
              <td className="note">{a.exec ? (a.exec.timedOut ? "action timed out" : `action exited ${a.exec.code ?? a.exec.signal}`) : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
