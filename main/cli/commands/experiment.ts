// driftscope experiment create|list|show, and driftscope effects: conditions against a control across seeds.
import { intFlag, parse, UsageError } from "../args.js";
import { fmt, printJson, printTable, type Io } from "../output.js";
import { withWorkspace } from "../workspace.js";

export const EXPERIMENT_HELP = `driftscope experiment create NAME --control GROUP [--group G]... [--reference RUN] [--tags GROUP=T1,T2]...
driftscope experiment list [--json] | show NAME [--json]
  A run's group is its condition (watch --group). --tags names each condition's techniques (ip, bct, ...): a
  condition whose tags are the union of two others' gets their interaction.
driftscope effects (--experiment NAME | --control GROUP --group G...) [--trait T]... [--context C]...
                   [--at final|step:N|window:A-B|every] [--gap A:B]... [--replicates N] [--json]
  Per condition, trait and context: the mean over seeds with a 95% interval from a two-level paired bootstrap
  (seeds, then items shared by every condition), Δ versus the control with its interval, and for each --gap the
  score under context A minus under B. With one seed an interval covers item sampling only, and says so.
`;

export async function experimentCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { control: { type: "string" }, group: { type: "string", multiple: true }, reference: { type: "string" }, tags: { type: "string", multiple: true } });
  if (values.help) return io.out(EXPERIMENT_HELP), 0;
  const [sub, name] = positionals;
  return withWorkspace(values.db, async (core) => {
    switch (sub) {
      case "create": {
        if (!name) throw new UsageError("experiment create needs a NAME");
        if (!values.control) throw new UsageError("experiment create needs --control GROUP");
        const tags: Record<string, string[]> = {};
        for (const t of values.tags ?? []) {
          const m = /^([^=]+)=(.*)$/.exec(t);
          if (!m) throw new UsageError(`--tags expects GROUP=T1,T2, got "${t}"`);
          tags[m[1]!] = m[2]!.split(",").map((x) => x.trim()).filter(Boolean);
        }
        const e = core.createExperiment({ name, control: values.control, groups: values.group, reference: values.reference, tags });
        if (values.json) printJson(io, e);
        else io.out(`experiment "${e.name}": control ${e.control}; conditions ${e.conditions.join(", ")}\n`);
        return 0;
      }
      case "list": {
        const list = core.listExperiments();
        if (values.json) printJson(io, list);
        else printTable(io, ["NAME", "CONTROL", "CONDITIONS", "TAGS"], list.map((e) => [e.name, e.control, e.conditions.join(","), Object.entries(e.tags).map(([g, t]) => `${g}=${t.join("+")}`).join(" ")]));
        return 0;
      }
      case "show": {
        if (!name) throw new UsageError("experiment show needs a NAME");
        const e = core.experiment(name);
        const runs = (await core.call("listRuns", {})).filter((r) => r.group !== null && e.conditions.includes(r.group));
        const shown = { ...e, runs: runs.map((r) => ({ id: r.id, name: r.name, group: r.group, seed: r.seed, latestStep: r.latestStep })) };
        if (values.json) printJson(io, shown);
        else {
          io.out(`experiment "${e.name}": control ${e.control}\n`);
          printTable(io, ["CONDITION", "RUN", "SEED", "LATEST"], shown.runs.map((r) => [r.group, r.name, r.seed, r.latestStep]));
        }
        return 0;
      }
      default:
        throw new UsageError(`experiment needs create, list or show (got ${sub ?? "nothing"})`);
    }
  });
}


export async function effectsCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, {
    experiment: { type: "string" },
    control: { type: "string" },
    group: { type: "string", multiple: true },
    trait: { type: "string", multiple: true },
    context: { type: "string", multiple: true },
    at: { type: "string" },
    gap: { type: "string", multiple: true },
    replicates: { type: "string" },
  });
  if (values.help) return io.out(EXPERIMENT_HELP), 0;
  if (positionals.length > 0) throw new UsageError("effects takes no positional arguments");
  if (values.experiment !== undefined && values.control !== undefined) throw new UsageError("give --experiment or --control, not both");
  return withWorkspace(values.db, async (core) => {
    const r = await core.effects({ experiment: values.experiment, control: values.control, groups: values.group, traits: values.trait, contexts: values.context, at: values.at, gaps: values.gap, replicates: intFlag("replicates", values.replicates, { min: 100 }) });
    for (const n of r.notes) io.err(`driftscope: note: ${n}\n`);
    if (values.json) {
      printJson(io, [
        ...r.rows.map(({ condition, trait, context, at, seeds, items, mean, ciLow, ciHigh, delta, deltaCiLow, deltaCiHigh, relative, note }) => ({ condition, trait, context, at, seeds, items, mean, ciLow, ciHigh, delta, deltaCiLow, deltaCiHigh, relative, note })),
        ...r.gaps.map(({ condition, trait, gap, value, ciLow, ciHigh }) => ({ condition, trait, gap, value, ciLow, ciHigh })),
        ...r.interactions.map(({ condition, of, trait, context, value, ciLow, ciHigh }) => ({ condition, interaction: of, trait, context, value, ciLow, ciHigh })),
      ]);
      return 0;
    }
    printTable(
      io,
      ["TRAIT", "CONTEXT", "CONDITION", "SEEDS", "ITEMS", "MEAN", "95% CI", "Δ", "Δ 95% CI", "NOTE"],
      r.rows.map((x) => [x.trait, x.context, x.condition, x.seeds, x.items, fmt(x.mean), x.ciLow === null ? "-" : `${fmt(x.ciLow)}..${fmt(x.ciHigh)}`, x.delta === null ? "-" : fmt(x.delta), x.deltaCiLow === null ? "-" : `${fmt(x.deltaCiLow)}..${fmt(x.deltaCiHigh)}`, x.note]),
    );
    if (r.gaps.length) {
      io.out("\n");
      printTable(io, ["TRAIT", "CONDITION", "GAP", "VALUE", "95% CI"], r.gaps.map((g) => [g.trait, g.condition, g.gap, fmt(g.value), `${fmt(g.ciLow)}..${fmt(g.ciHigh)}`]));
    }
    if (r.interactions.length) {
      io.out("\n");
      printTable(io, ["TRAIT", "CONTEXT", "COMBINED", "OF", "INTERACTION", "95% CI"], r.interactions.map((g) => [g.trait, g.context, g.condition, g.of.join(" + "), fmt(g.value), `${fmt(g.ciLow)}..${fmt(g.ciHigh)}`]));
    }
    io.out(`\n${r.method}\n`);
    return 0;
  });
}

export const PROBE_MODEL_HELP = `driftscope probe-model --name NAME --backend NAME|FILE [--model M] --suite ID|FILE... [--judge NAME|FILE]
  Probes a model that is no run's checkpoint (typically the base model before RL) and stores it as a reference run
  with one checkpoint at step 0; name it in an experiment with --reference NAME.
`;

export async function probeModelCommand(argv: string[], io: Io, signal: AbortSignal): Promise<number> {
  const { values, positionals } = parse(argv, { name: { type: "string" }, backend: { type: "string" }, model: { type: "string" }, suite: { type: "string", multiple: true }, judge: { type: "string" } });
  if (values.help) return io.out(PROBE_MODEL_HELP), 0;
  if (positionals.length > 0) throw new UsageError("probe-model takes no positional arguments");
  if (!values.name) throw new UsageError("probe-model needs --name NAME");
  if (!values.backend) throw new UsageError("probe-model needs --backend NAME|FILE");
  return withWorkspace(values.db, async (core) => {
    const { run, outcome, scores } = await core.probeModel({ name: values.name!, backend: values.backend!, model: values.model, suites: values.suite ?? [], judge: values.judge }, signal).done;
    if (values.json) printJson(io, { run: { id: run.id, name: run.name }, outcome, scores: scores.map(({ completedAt: _c, ...s }) => s) });
    else {
      io.out(`reference model "${run.name}" (run ${run.id}): ${outcome}\n`);
      printTable(io, ["TRAIT", "CONTEXT", "MEAN", "95% CI", "N"], scores.map((s) => [s.trait, s.context, fmt(s.mean), s.ciLow === null ? "-" : `${fmt(s.ciLow)}..${fmt(s.ciHigh)}`, s.n]));
    }
    return outcome === "done" ? 0 : 1;
  });
}
