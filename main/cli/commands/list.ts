// driftscope runs | checkpoints RUN | metrics RUN: read-only listings, as JSON with --json.
import { parse, UsageError } from "../args.js";
import { withWorkspace } from "../workspace.js";
import { printJson, printTable, type Io } from "../output.js";

export async function runsCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, {});
  if (values.help) return io.out("driftscope runs [--db FILE] [--json]\n  Lists the workspace's runs.\n"), 0;
  if (positionals.length > 0) throw new UsageError("runs takes no arguments");
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
    const keys = values.key !== undefined ? [values.key] : await core.call("metricKeys", { runIds: [run.id] });
    const rows = keys.length ? (await core.call("getMetrics", { runIds: [run.id], keys }))[0]!.points : [];
    if (values.json) printJson(io, rows);
    else printTable(io, ["KEY", "STEP", "VALUE", "WALL TIME"], rows.map((m) => [m.key, m.step, m.value, m.wallTime]));
    return 0;
  });
}
