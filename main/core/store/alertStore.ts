// Alert rules and the alerts they fired.
import type { AlertCondition, AlertRule, AlertSubject, AlertTarget, FiredAlert } from "../../../shared/views.js";
import type { Publish } from "../events/bus.js";
import type { Db } from "./database.js";

const now = () => new Date().toISOString();

interface RuleRow {
  id: number;
  target: string;
  subject: string;
  condition: string;
  exec: string | null;
  exec_timeout_ms: number;
  created_at: string;
}

interface FiredRow {
  id: number;
  rule_id: number;
  run_id: number;
  run_name: string;
  step: number;
  trait: string | null;
  context: string | null;
  metric: string | null;
  value: number | null;
  message: string;
  fired_at: string;
  annotation_id: number | null;
  exec_result: string | null;
}

const toRule = (r: RuleRow): AlertRule => ({
  id: r.id,
  target: JSON.parse(r.target) as AlertTarget,
  subject: JSON.parse(r.subject) as AlertSubject,
  condition: JSON.parse(r.condition) as AlertCondition,
  exec: r.exec === null ? null : (JSON.parse(r.exec) as string[]),
  execTimeoutMs: r.exec_timeout_ms,
  createdAt: r.created_at,
});

const toFired = (r: FiredRow): FiredAlert => ({
  id: r.id,
  rule: r.rule_id,
  runId: r.run_id,
  run: r.run_name,
  step: r.step,
  trait: r.trait,
  context: r.context,
  metric: r.metric,
  value: r.value,
  message: r.message,
  firedAt: r.fired_at,
  annotationId: r.annotation_id,
  exec: r.exec_result === null ? null : (JSON.parse(r.exec_result) as FiredAlert["exec"]),
});

/** A firing as the alert service records it: what the stored alert will say, plus its rule and series. */
export type NewFiring = Pick<FiredAlert, "runId" | "step" | "trait" | "context" | "metric" | "value" | "message"> & { ruleId: number; series: string };

export class AlertStore {
  constructor(
    private readonly db: Db,
    private readonly publish: Publish,
  ) {}

  addRule(rule: Omit<AlertRule, "id" | "createdAt">): AlertRule {
    const id = Number(
      this.db
        .prepare(`INSERT INTO alert_rule (target, subject, condition, exec, exec_timeout_ms, created_at) VALUES (?, ?, ?, ?, ?, ?)`)
        .run(JSON.stringify(rule.target), JSON.stringify(rule.subject), JSON.stringify(rule.condition), rule.exec ? JSON.stringify(rule.exec) : null, rule.execTimeoutMs, now()).lastInsertRowid,
    );
    this.publish({ type: "alerts-changed" });
    return this.getRule(id)!;
  }

  /** Replaces a rule's target, subject and condition; its action stays as it was set. */
  updateRule(id: number, patch: Pick<AlertRule, "target" | "subject" | "condition">): AlertRule | undefined {
    const res = this.db.prepare(`UPDATE alert_rule SET target = ?, subject = ?, condition = ? WHERE id = ?`).run(JSON.stringify(patch.target), JSON.stringify(patch.subject), JSON.stringify(patch.condition), id);
    if (res.changes === 0) return undefined;
    this.publish({ type: "alerts-changed" });
    return this.getRule(id);
  }

  getRule(id: number): AlertRule | undefined {
    const r = this.db.prepare(`SELECT * FROM alert_rule WHERE id = ?`).get(id) as RuleRow | undefined;
    return r && toRule(r);
  }

  listRules(): AlertRule[] {
    return (this.db.prepare(`SELECT * FROM alert_rule ORDER BY id`).all() as RuleRow[]).map(toRule);
  }

  removeRule(id: number): boolean {
    const removed = this.db.prepare(`DELETE FROM alert_rule WHERE id = ?`).run(id).changes > 0;
    if (removed) this.publish({ type: "alerts-changed" });
    return removed;
  }

  /** Records a firing unless it was recorded before (by this process or another); returns it only when new. */
  recordFiring(f: NewFiring): FiredAlert | null {
    const res = this.db
      .prepare(
        `INSERT INTO fired_alert (rule_id, run_id, series, step, trait, context, metric, value, message, fired_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (rule_id, run_id, series, step) DO NOTHING`,
      )
      .run(f.ruleId, f.runId, f.series, f.step, f.trait, f.context, f.metric, f.value, f.message, now());
    return res.changes > 0 ? this.getFired(Number(res.lastInsertRowid))! : null;
  }

  setAnnotation(firedId: number, annotationId: number): void {
    this.db.prepare(`UPDATE fired_alert SET annotation_id = ? WHERE id = ?`).run(annotationId, firedId);
  }

  setExecResult(firedId: number, result: NonNullable<FiredAlert["exec"]>): void {
    this.db.prepare(`UPDATE fired_alert SET exec_result = ? WHERE id = ?`).run(JSON.stringify(result), firedId);
  }

  getFired(id: number): FiredAlert | undefined {
    const r = this.db.prepare(`SELECT f.*, r.name AS run_name FROM fired_alert f JOIN run r ON r.id = f.run_id WHERE f.id = ?`).get(id) as FiredRow | undefined;
    return r && toFired(r);
  }

  /** What fired, in step order per run (newest rule last), for one run or all. */
  listFired(runId?: number): FiredAlert[] {
    const rows = this.db
      .prepare(`SELECT f.*, r.name AS run_name FROM fired_alert f JOIN run r ON r.id = f.run_id ${runId === undefined ? "" : "WHERE f.run_id = ?"} ORDER BY f.run_id, f.step, f.rule_id, f.id`)
      .all(...(runId === undefined ? [] : [runId])) as FiredRow[];
    return rows.map(toFired);
  }
}
