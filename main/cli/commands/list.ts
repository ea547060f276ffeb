// driftscope runs | runs set RUN | runs remove RUN | checkpoints RUN | metrics RUN: listings, as JSON with --json,
// a run's fields, and taking a run out of the workspace.
import { choiceFlag, intFlag, parse, UsageError, varFlags } from "../args.js";
import { parseThresholds } from "./probe.js";
import { RUN_FORMATS } from "../../../shared/domain.js";
import { withWorkspace } from "../workspace.js";
import { printJson, printTable, streamJsonRows, streamTable, type Io } from "../output.js";

const RUNS_HELP = `driftscope runs [--db FILE] [--json]
  Lists the workspace's runs.
driftscope runs set RUN [--name N] [--group G | --no-group] [--seed S | --no-seed] [--tag T]... [--var NAME=VALUE]... [--unset-var NAME]...
                      [--format auto|hf|peft|verl|openrlhf|pattern] [--suite ID]... [--backend NAME] [--judge NAME | --no-judge]
                      [--every K] [--latest-only | --all-checkpoints] [--threshold NAME=V]...
  Changes a run: its name, its group (the condition it belongs to in an experiment), its seed, its tags (--tag
  replaces them all), its variables ({var.NAME} in eval contexts; a context that needed a new one is probed), how its
  folder is read, and how it is probed: suites (built-in ids or suites in the workspace; --suite replaces the list),
  a stored backend and judge by name, every k-th checkpoint or the latest only, threshold overrides. Checkpoints
  already probed get only what new suites add. A serving app's watch picks the change up when it next starts the run.
driftscope runs remove RUN [--delete-data]
  Takes a run out of the workspace: it is no longer listed, watched or probed. Its stored results (checkpoints,
  samples, scores, metrics, rollouts, annotations) are kept, and adding its folder again brings the run back with
  them; --delete-data deletes them instead. The run folder itself is never touched.
`;

async function runsRemove(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { "delete-data": { type: "boolean" } });
  if (values.help) return io.out(RUNS_HELP), 0;
  if (positionals.length !== 1) throw new UsageError("runs remove needs one run (id or name)");
  return withWorkspace(values.db, async (core) => {
    const run = core.findRun(positionals[0]!);
    const r = await core.call("removeRun", { runId: run.id, deleteData: values["delete-data"] ?? false });
    if (values.json) printJson(io, r);
    else {
      const s = r.stored;
      const what = `${s.checkpoints} checkpoints, ${s.samples} samples, ${s.scores} scores, ${s.metrics} metric values, ${s.rollouts} rollouts, ${s.annotations} annotations`;
      io.out(
        r.deleted
          ? `removed run "${r.name}" and deleted what it had stored (${what}); its folder ${r.path} was not touched\n`
          : `removed run "${r.name}"; what it had stored is kept (${what}): \`driftscope watch ${r.path}\` brings it back\n`,
      );
    }
    return 0;
  });
}

async function runsSet(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, {
    name: { type: "string" },
    group: { type: "string" },
    "no-group": { type: "boolean" },
    seed: { type: "string" },
    "no-seed": { type: "boolean" },
    tag: { type: "string", multiple: true },
    var: { type: "string", multiple: true },
    "unset-var": { type: "string", multiple: true },
    format: { type: "string" },
    suite: { type: "string", multiple: true },
    backend: { type: "string" },
    judge: { type: "string" },
    "no-judge": { type: "boolean" },
    every: { type: "string" },
    "latest-only": { type: "boolean" },
    "all-checkpoints": { type: "boolean" },
    threshold: { type: "string", multiple: true },
  });
  if (positionals.length !== 1) throw new UsageError("runs set needs one run (id or name)");
  if (values.group !== undefined && values["no-group"]) throw new UsageError("--group and --no-group together");
  if (values.seed !== undefined && values["no-seed"]) throw new UsageError("--seed and --no-seed together");
  if (values.judge !== undefined && values["no-judge"]) throw new UsageError("--judge and --no-judge together");
  if (values["latest-only"] && values["all-checkpoints"]) throw new UsageError("--latest-only and --all-checkpoints together");
  const format = values.format === undefined ? undefined : choiceFlag("format", values.format, ["auto", ...RUN_FORMATS] as const);
  const every = intFlag("every", values.every, { min: 1 });
  const thresholds = values.threshold?.length ? parseThresholds(values.threshold) : undefined;
  const probing = values.suite?.length || values.backend !== undefined || values.judge !== undefined || values["no-judge"] || every !== undefined || values["latest-only"] || values["all-checkpoints"] || thresholds;
  const variables: Record<string, string | null> = varFlags(values.var);
  for (const k of values["unset-var"] ?? []) variables[k] = null;
  return withWorkspace(values.db, async (core) => {
    const run = core.findRun(positionals[0]!);
    const updated = await core.call("updateRun", {
      runId: run.id,
      name: values.name,
      group: values["no-group"] ? null : values.group,
      seed: values["no-seed"] ? null : intFlag("seed", values.seed, { min: 0 }),
      tags: values.tag,
      variables: Object.keys(variables).length ? variables : undefined,
      format,
    });
    const probingOf = async () => (await core.call("listRuns", {})).find((r) => r.id === run.id)?.probing ?? null;
    if (probing) {
      const current = await probingOf();
      // The same named operation as the app's run form: names only, merged with the run's probing.
      await core.call("setRunProbing", {
        runId: run.id,
        suites: values.suite,
        backend: values.backend,
        judge: values["no-judge"] ? null : values.judge,
        every,
        latestOnly: values["latest-only"] ? true : values["all-checkpoints"] ? false : undefined,
        // --threshold adds to (or changes) the run's overrides.
        ...(thresholds ? { thresholds: { ...(current?.thresholds ?? {}), ...thresholds } } : {}),
      });
    }
    const shown = await probingOf();
    if (values.json) printJson(io, { id: updated.id, name: updated.name, group: updated.group, seed: updated.seed, tags: updated.tags, variables: updated.variables, format: updated.formatSetting, probing: shown });
    else {
      io.out(`run "${updated.name}" (id ${updated.id}): group ${updated.group ?? "-"}, seed ${updated.seed ?? "-"}, tags ${updated.tags.join(", ") || "-"}, variables ${Object.keys(updated.variables).join(", ") || "-"}, format ${updated.formatSetting}\n`);
      io.out(shown ? `probed with ${shown.suites.join(", ")} on ${shown.backend}${shown.judge ? `, judged by ${shown.judge}` : ""}, every ${shown.every}${shown.latestOnly ? ", latest only" : ""}\n` : "not set to be probed\n");
    }
    return 0;
  });
}

export async function runsCommand(argv: string[], io: Io): Promise<number> {
  if (argv[0] === "set") return runsSet(argv.slice(1), io);
  if (argv[0] === "remove") return runsRemove(argv.slice(1), io);
  const { values, positionals } = parse(argv, {});
  if (values.help) return io.out(RUNS_HELP), 0;
  if (positionals.length > 0) throw new UsageError(`runs takes no arguments (or: runs set RUN …, runs remove RUN), got "${positionals[0]}"`);
  return withWorkspace(values.db, async (core) => {
    const runs = (await core.call("listRuns", {})).map((r) => ({
      id: r.id,
      name: r.name,
      path: r.path,
      format: r.format,
      group: r.group,
      status: r.status,
      statusMessage: r.statusMessage,
      checkpoints: r.checkpoints,
      latestStep: r.latestStep,
    }));
    if (values.json) printJson(io, runs);
    else printTable(io, ["ID", "NAME", "FORMAT", "GROUP", "STATUS", "CHECKPOINTS", "LATEST", "PATH"], runs.map((r) => [r.id, r.name, r.format, r.group, r.status, r.checkpoints, r.latestStep, r.path]));
    return 0;
  });
}

export async function checkpointsCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, {});
  if (values.help) return io.out("driftscope checkpoints RUN [--db FILE] [--json]\n  Lists a run's checkpoints by step.\n"), 0;
  if (positionals.length !== 1) throw new UsageError("checkpoints needs one run (id or name)");
  return withWorkspace(values.db, async (core) => {
    const run = core.findRun(positionals[0]!);
    const rows = (await core.call("listCheckpoints", { runId: run.id })).map((c) => ({ step: c.step, path: c.path, kind: c.kind, state: c.state, detectedAt: c.detectedAt, completedAt: c.completedAt }));
    if (values.json) printJson(io, rows);
    else printTable(io, ["STEP", "STATE", "KIND", "COMPLETED", "PATH"], rows.map((c) => [c.step, c.state, c.kind, c.completedAt, c.path]));
    return 0;
  });
}

export async function metricsCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { key: { type: "string" }, sources: { type: "boolean" } });
  if (values.help) {
    return io.out(
      "driftscope metrics RUN [--key KEY] [--sources] [--db FILE] [--json]\n  Lists a run's training metrics by key, then step. One quantity is one series wherever it was logged\n  (trainer_state.json's reward and TensorBoard's train/reward); --sources lists each series with the files that\n  wrote it, the one whose values it holds first (trainer_state, then jsonl, then TensorBoard's float32).\n",
    ), 0;
  }
  if (positionals.length !== 1) throw new UsageError("metrics needs one run (id or name)");
  return withWorkspace(values.db, async (core) => {
    const run = core.findRun(positionals[0]!);
    if (values.sources) {
      const series = core.metricSources(run.id);
      if (values.json) printJson(io, series);
      else printTable(io, ["KEY", "SOURCES (PREFERRED FIRST)"], series.map((x) => [x.key, x.sources.join(", ")]));
      return 0;
    }
    // Streamed: a long run logs millions of points.
    if (values.json) await streamJsonRows(io, core.metricRows(run.id, values.key));
    else
      await streamTable(io, ["KEY", "STEP", "VALUE", "WALL TIME"], async function* () {
        for await (const m of core.metricRows(run.id, values.key)) yield [m.key, m.step, m.value, m.wallTime];
      });
    return 0;
  });
}
