// driftscope alerts add | list | fired [RUN] | remove ID: rules on drift and run health, and what they fired.
import type { AlertCondition, AlertSubject } from "../../../shared/views.js";
import { intFlag, numberFlag, parse, secondsFlag, UsageError } from "../args.js";
import { printJson, printTable, type Io } from "../output.js";
import { withWorkspace } from "../workspace.js";

export const ALERTS_HELP = `driftscope alerts add (--run RUN|--group G) (--trait T [--context C]|--rollout-trait T [--rollout-measure M]|--metric KEY|--health)
                      (--above V|--below V|--jump V|--trend V --window K|--null-rate SHARE|--stalled|--probe-failures)
                      [--ci] [--timeout S] [--exec PROGRAM [ARG...]]
  Prints the new rule's id. A rule fires once per crossing, in step order, and re-arms when the value comes back;
  each firing is annotated at its step (tag "alert"). --ci: only once the 95% interval is clear of the value (for
  --jump: once consecutive intervals stop overlapping). --exec runs PROGRAM (no shell; everything after --exec is
  its arguments) with DRIFTSCOPE_RUN, _STEP, _TRAIT, _CONTEXT, _METRIC, _VALUE and _RULE set, killed after --timeout
  seconds (default 30). --trait without --context watches each context of the trait. --rollout-trait watches the
  trait in the run's rollouts, per step: --rollout-measure mean (prevalence, the default), rewardCorr,
  advantageWeighted or rewardShare.
driftscope alerts list [--json]            the rules
driftscope alerts fired [RUN] [--json]     what fired, by run and step
driftscope alerts remove ID
`;

export async function alertsCommand(argv: string[], io: Io): Promise<number> {
  // Everything after --exec belongs to the program, flags included.
  const at = argv.indexOf("--exec");
  const exec = at === -1 ? undefined : argv.slice(at + 1);
  const { values, positionals } = parse(at === -1 ? argv : argv.slice(0, at), {
    run: { type: "string" },
    group: { type: "string" },
    trait: { type: "string" },
    context: { type: "string" },
    metric: { type: "string" },
    "rollout-trait": { type: "string" },
    "rollout-measure": { type: "string" },
    health: { type: "boolean" },
    above: { type: "string" },
    below: { type: "string" },
    jump: { type: "string" },
    trend: { type: "string" },
    window: { type: "string" },
    "null-rate": { type: "string" },
    stalled: { type: "boolean" },
    "probe-failures": { type: "boolean" },
    ci: { type: "boolean" },
    timeout: { type: "string" },
  });
  if (values.help) return io.out(ALERTS_HELP), 0;
  const [sub, arg] = positionals;
  switch (sub) {
    case "add": {
      const number = (name: string, v: string) => numberFlag(name, v, -Infinity, Infinity)!;
      const conditions: AlertCondition[] = [];
      const ci = values.ci ?? false;
      if (values.above !== undefined) conditions.push({ kind: "above", value: number("above", values.above), ci });
      if (values.below !== undefined) conditions.push({ kind: "below", value: number("below", values.below), ci });
      if (values.jump !== undefined) conditions.push({ kind: "jump", value: number("jump", values.jump), ci });
      if (values.trend !== undefined) {
        const window = intFlag("window", values.window, { min: 2 });
        if (window === undefined) throw new UsageError("--trend needs --window K (the checkpoints the slope is fitted over)");
        conditions.push({ kind: "trend", value: number("trend", values.trend), window });
      }
      if (values["null-rate"] !== undefined) conditions.push({ kind: "null-rate", value: numberFlag("null-rate", values["null-rate"], 0, 1)! });
      if (values.stalled) conditions.push({ kind: "stalled" });
      if (values["probe-failures"]) conditions.push({ kind: "probe-failures" });
      if (conditions.length !== 1) throw new UsageError("alerts add needs exactly one of --above, --below, --jump, --trend, --null-rate, --stalled, --probe-failures");
      const condition = conditions[0]!;
      const health = condition.kind === "stalled" || condition.kind === "probe-failures";
      const subjects = [values.trait !== undefined, values.metric !== undefined, values["rollout-trait"] !== undefined, values.health === true].filter(Boolean).length;
      if (subjects > 1) throw new UsageError("alerts add watches one of --trait, --rollout-trait, --metric or --health");
      const measure = values["rollout-measure"] ?? "mean";
      if (measure !== "mean" && measure !== "rewardCorr" && measure !== "advantageWeighted" && measure !== "rewardShare") throw new UsageError(`--rollout-measure must be mean, rewardCorr, advantageWeighted or rewardShare (got "${measure}")`);
      if (values["rollout-measure"] !== undefined && values["rollout-trait"] === undefined) throw new UsageError("--rollout-measure goes with --rollout-trait");
      const subject: AlertSubject = values.trait !== undefined ? { kind: "trait", trait: values.trait, context: values.context ?? null } : values["rollout-trait"] !== undefined ? { kind: "rollout", trait: values["rollout-trait"], measure } : values.metric !== undefined ? { kind: "metric", key: values.metric } : health || values.health ? { kind: "health" } : (() => {
        throw new UsageError("alerts add needs --trait T, --metric KEY, or a health rule (--stalled, --probe-failures)");
      })();
      if (values.context !== undefined && values.trait === undefined) throw new UsageError("--context goes with --trait");
      return withWorkspace(values.db, async (core) => {
        const rule = core.addAlertRule({ run: values.run, group: values.group, subject, condition, exec, execTimeoutMs: secondsFlag("timeout", values.timeout) });
        if (values.json) printJson(io, { id: rule.id });
        else io.out(`${rule.id}\n`);
        return 0;
      });
    }
    case "list":
      return withWorkspace(values.db, async (core) => {
        const runs = new Map((await core.call("listRuns", {})).map((r) => [r.id, r.name]));
        const rules = (await core.call("listAlertRules", {})).map((r) => ({
          id: r.id,
          target: r.target.kind === "run" ? { run: runs.get(r.target.runId) ?? String(r.target.runId) } : { group: r.target.group },
          subject: r.subject,
          condition: r.condition,
          exec: r.exec,
        }));
        if (values.json) printJson(io, rules);
        else printTable(io, ["ID", "TARGET", "WATCHES", "CONDITION", "EXEC"], rules.map((r) => [r.id, "run" in r.target ? `run ${r.target.run}` : `group ${r.target.group}`, JSON.stringify(r.subject), JSON.stringify(r.condition), r.exec?.join(" ") ?? null]));
        return 0;
      });
    case "fired":
      return withWorkspace(values.db, async (core) => {
        const rows = core.firedAlerts(arg).map((a) => ({ rule: a.rule, run: a.run, step: a.step, trait: a.trait, context: a.context, metric: a.metric, value: a.value, firedAt: a.firedAt, message: a.message, exec: a.exec }));
        if (values.json) printJson(io, rows);
        else printTable(io, ["RULE", "RUN", "STEP", "VALUE", "FIRED", "WHAT"], rows.map((r) => [r.rule, r.run, r.step, r.value, r.firedAt, r.message]));
        return 0;
      });
    case "remove": {
      const id = intFlag("id", arg, { min: 1 });
      if (id === undefined) throw new UsageError("alerts remove needs a rule id (driftscope alerts list)");
      return withWorkspace(values.db, async (core) => {
        if (!core.removeAlertRule(id)) throw new UsageError(`no alert rule ${id}`);
        if (!values.json) io.out(`removed rule ${id}\n`);
        else printJson(io, { removed: id });
        return 0;
      });
    }
    default:
      throw new UsageError(`alerts needs add, list, fired or remove (got ${sub ?? "nothing"})`);
  }
}
