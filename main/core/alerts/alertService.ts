// The alert service: after anything that can change what a rule sees (scores, checkpoints, metrics, a poll), it
// evaluates the run's rules over the settled part of each series, records each new firing once (a unique row, so
// several processes and restarts agree), annotates the step, says so on the event bus and runs the rule's action.
import type { AlertRule, FiredAlert } from "../../../shared/views.js";
import type { CoreEvent } from "../../../shared/events.js";
import { COMPLETE_STATES } from "../../../shared/domain.js";
import type { Publish } from "../events/bus.js";
import { selectCheckpoints } from "../schedule/queue.js";
import type { NewFiring } from "../store/alertStore.js";
import type { RunRecord, Store } from "../store/store.js";
import { runAction } from "./action.js";
import { firingSteps, stalled, type SeriesCondition, type SeriesPoint } from "./conditions.js";

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3));

function describe(rule: AlertRule): string {
  const c = rule.condition;
  switch (c.kind) {
    case "above":
    case "below":
      return `${c.kind} ${c.value}${c.ci ? " (95% interval clear of it)" : ""}`;
    case "jump":
      return c.ci ? "jumped (intervals no longer overlap)" : `jumped by more than ${c.value}`;
    case "trend":
      return `trend over ${c.window} checkpoints past ${c.value} per step`;
    case "null-rate":
      return `null share above ${c.value}`;
    case "stalled":
      return "stalled";
    case "probe-failures":
      return "probing failed";
  }
}

export class AlertService {
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private readonly actions = new Set<Promise<unknown>>();

  constructor(
    private readonly store: Store,
    private readonly publish: Publish,
    private readonly options: { debounceMs?: number; now?: () => number } = {},
  ) {}

  /** What the service listens to on the core's bus. */
  onEvent(e: CoreEvent): void {
    if (e.type === "scores-updated" || e.type === "checkpoint-changed" || e.type === "metrics-added" || e.type === "rollouts-updated") this.schedule(e.runId);
  }

  /** Evaluates a run's rules soon (a probe writes many scores a second; one evaluation covers them). */
  schedule(runId: number): void {
    if (this.timers.has(runId)) return;
    const timer = setTimeout(() => {
      this.timers.delete(runId);
      this.evaluate(runId);
    }, this.options.debounceMs ?? 250);
    timer.unref();
    this.timers.set(runId, timer);
  }

  /** Runs every scheduled evaluation now and waits for the actions they started (before the core closes). */
  async flush(): Promise<void> {
    for (const [runId, timer] of this.timers) {
      clearTimeout(timer);
      this.timers.delete(runId);
      this.evaluate(runId);
    }
    while (this.actions.size > 0) await Promise.allSettled([...this.actions]);
  }

  rulesFor(run: RunRecord): AlertRule[] {
    return this.store.alerts.listRules().filter((r) => (r.target.kind === "run" ? r.target.runId === run.id : r.target.group === run.group));
  }

  /** Evaluates a run's rules and fires what is new. Returns the new firings. */
  evaluate(runId: number): FiredAlert[] {
    const run = this.store.runs.getRun(runId);
    if (!run) return [];
    const rules = this.rulesFor(run);
    if (rules.length === 0) return [];
    const fired: FiredAlert[] = [];
    for (const rule of rules) for (const f of this.firings(rule, run)) {
      const alert = this.store.alerts.recordFiring(f);
      if (alert) fired.push(this.announce(rule, alert));
    }
    return fired;
  }

  /**
   * The steps up to which a run's probe series are settled: below the first checkpoint the run's policy will still
   * probe. Nothing past it is evaluated yet, so a crossing is judged in step order even when newer checkpoints are
   * probed first.
   */
  private settledBelow(run: RunRecord): number {
    const settings = this.store.runs.getProbeSettings(run.id);
    if (!settings) return Infinity;
    const waiting = selectCheckpoints(this.store.runs.listCheckpoints(run.id), { every: settings.every, latestOnly: settings.latestOnly }).filter((c) => c.state === "pending" || c.state === "probing");
    return waiting.reduce((m, c) => Math.min(m, c.step), Infinity);
  }

  private firings(rule: AlertRule, run: RunRecord): NewFiring[] {
    const base = { ruleId: rule.id, runId: run.id, trait: null, context: null, metric: null };
    const s = rule.subject;
    const c = rule.condition;
    if (s.kind === "health" || c.kind === "stalled" || c.kind === "probe-failures") {
      const checkpoints = this.store.runs.listCheckpoints(run.id);
      if (c.kind === "probe-failures") {
        return checkpoints.filter((cp) => cp.state === "failed").map((cp) => ({ ...base, series: "health:probe-failures", step: cp.step, value: null, message: `run "${run.name}": probing step ${cp.step} failed` }));
      }
      if (c.kind !== "stalled" || run.status === "finished") return [];
      const complete = checkpoints.filter((cp) => (COMPLETE_STATES.includes(cp.state) || cp.state === "gone") && cp.completedAt);
      const quiet = stalled(complete.map((cp) => Date.parse(cp.completedAt!)), (this.options.now ?? Date.now)());
      if (!quiet) return [];
      const latest = complete.reduce((m, cp) => Math.max(m, cp.step), 0);
      const minutes = (ms: number) => (ms >= 120_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`);
      return [{ ...base, series: "health:stalled", step: latest, value: quiet.quietMs / 1000, message: `run "${run.name}" stalled: no new checkpoint for ${minutes(quiet.quietMs)} after step ${latest} (limit ${minutes(quiet.limitMs)}, 3x the median interval)` }];
    }
    const condition = c as SeriesCondition;
    if (s.kind === "metric") {
      const points: SeriesPoint[] = this.store.metrics.listMetrics(run.id, s.key).map((m) => ({ step: m.step, mean: m.value, ciLow: null, ciHigh: null }));
      return firingSteps(points, condition).map((f) => ({ ...base, metric: s.key, series: `metric:${s.key}`, step: f.step, value: f.value, message: `run "${run.name}": ${s.key} ${describe(rule)}: ${fmt(f.value)} at step ${f.step}` }));
    }
    if (s.kind === "rollout") {
      // Each step's rollouts are aggregated once they are all scored, so every stored step is settled; the interval
      // is the prevalence's (or the correlation's) where the measure has one.
      const points: SeriesPoint[] = this.store.rollouts.aggregates([run.id], s.trait).map((a) => ({
        step: a.step,
        mean: a[s.measure],
        ciLow: s.measure === "mean" ? a.ciLow : s.measure === "rewardCorr" ? a.corrLow : null,
        ciHigh: s.measure === "mean" ? a.ciHigh : s.measure === "rewardCorr" ? a.corrHigh : null,
      }));
      const what = `${s.trait} rollouts' ${s.measure === "mean" ? "prevalence" : s.measure}`;
      return firingSteps(points, condition).map((f) => ({ ...base, trait: s.trait, series: `rollout:${s.trait}/${s.measure}`, step: f.step, value: f.value, message: `run "${run.name}": ${what} ${describe(rule)}: ${fmt(f.value)} at step ${f.step}` }));
    }
    const limit = this.settledBelow(run);
    const byContext = new Map<string, SeriesPoint[]>();
    for (const p of this.store.probes.listScores(run.id, s.trait, s.context ?? undefined)) {
      if (p.step >= limit) continue;
      byContext.set(p.context, [...(byContext.get(p.context) ?? []), p]);
    }
    const out: NewFiring[] = [];
    for (const [context, points] of byContext) {
      for (const f of firingSteps(points, condition)) {
        out.push({ ...base, trait: s.trait, context, series: `trait:${s.trait}/${context}`, step: f.step, value: f.value, message: `run "${run.name}": ${s.trait} (${context}) ${describe(rule)}: ${fmt(f.value)} at step ${f.step}` });
      }
    }
    return out;
  }

  private announce(rule: AlertRule, alert: FiredAlert): FiredAlert {
    const annotation = this.store.annotations.createAnnotation({ runId: alert.runId, step: alert.step, text: alert.message, tags: ["alert"], color: "#D55E00" });
    this.store.alerts.setAnnotation(alert.id, annotation.id);
    const announced = { ...alert, annotationId: annotation.id };
    this.publish({ type: "alert-fired", alert: announced });
    if (rule.exec) {
      const action = runAction(rule.exec, announced, rule.execTimeoutMs, rule.id)
        .then((result) => this.store.alerts.setExecResult(alert.id, result))
        .catch(() => undefined) // the store may be closed under a killed process; the alert itself is recorded
        .finally(() => this.actions.delete(action));
      this.actions.add(action);
    }
    return announced;
  }
}
