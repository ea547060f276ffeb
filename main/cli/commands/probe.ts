// driftscope probe | scores | samples | doctor
import { intFlag, parse, UsageError } from "../args.js";
import { withWorkspace } from "../workspace.js";
import { fmt, printJson, printTable, streamJsonRows, streamTable, type Io } from "../output.js";

export const PROBE_OPTIONS = {
  suite: { type: "string", multiple: true },
  backend: { type: "string" },
  judge: { type: "string" },
  threshold: { type: "string", multiple: true },
} as const;

export function parseThresholds(list: string[] | undefined): Record<string, number> | undefined {
  if (!list) return undefined;
  const out: Record<string, number> = {};
  for (const t of list) {
    const m = /^([\w.-]+)=(-?\d+(\.\d+)?)$/.exec(t);
    if (!m) throw new UsageError(`--threshold expects NAME=NUMBER (e.g. alignedBelow=30), got "${t}"`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

export async function probeCommand(argv: string[], io: Io, signal: AbortSignal): Promise<number> {
  const { values, positionals } = parse(argv, { ...PROBE_OPTIONS, step: { type: "string" }, trait: { type: "string", multiple: true } });
  if (values.help) return io.out("driftscope probe RUN --step N [--suite ID|FILE]... [--backend NAME|FILE] [--judge NAME|FILE] [--threshold NAME=V]... [--trait ID]...\n"), 0;
  if (positionals.length !== 1) throw new UsageError("probe needs one run (id or name)");
  const step = intFlag("step", values.step, { min: 0 });
  if (step === undefined) throw new UsageError("probe needs --step N");
  return withWorkspace(values.db, async (core) => {
    const off = values.json
      ? () => undefined
      : core.onEvent((e) => e.type === "job-progress" && e.job.state !== "running" && io.err(`step ${e.job.step} ${e.job.trait}/${e.job.context}: ${e.job.state} ${e.job.done}/${e.job.total}${e.job.lastError ? ` (${e.job.lastError})` : ""}\n`));
    try {
      const { outcome, scores, failed } = await core.probeStep({ run: positionals[0]!, step, suites: values.suite, backend: values.backend, judge: values.judge, thresholds: parseThresholds(values.threshold), traits: values.trait }, signal).done;
      const rows = scores.map(({ completedAt: _completedAt, ...s }) => s);
      if (values.json) printJson(io, { step, outcome, scores: rows });
      else {
        io.out(`step ${step}: ${outcome}\n`);
        printTable(io, ["TRAIT", "CONTEXT", "MEAN", "95% CI", "N", "NULLS"], rows.map((s) => [s.trait, s.context, fmt(s.mean), s.ciLow === null ? null : `${fmt(s.ciLow)}..${fmt(s.ciHigh)}`, s.n, s.nulls]));
      }
      if (failed.jobs > 0) io.err(`driftscope: ${failed.jobs} probe job(s) failed, ${failed.missingSamples} sample(s) missing: ${failed.reasons.slice(0, 3).join("; ")}\n`);
      return outcome === "done" ? 0 : 1;
    } finally {
      off();
    }
  });
}


export async function scoresCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { trait: { type: "string" }, context: { type: "string" } });
  if (values.help) return io.out("driftscope scores RUN [--trait ID] [--context ID] [--json]\n"), 0;
  if (positionals.length !== 1) throw new UsageError("scores needs one run (id or name)");
  return withWorkspace(values.db, async (core) => {
    const run = core.findRun(positionals[0]!);
    // The CLI's rows are the API's without the checkpoint's completion time.
    // Streamed: a long run has hundreds of thousands of scores.
    const rows = async function* () {
      for await (const { completedAt: _completedAt, ...s } of core.scoreRows(run.id, values.trait, values.context)) yield s;
    };
    if (values.json) await streamJsonRows(io, rows());
    else
      await streamTable(io, ["TRAIT", "CONTEXT", "STEP", "MEAN", "CI LOW", "CI HIGH", "N", "NULLS"], async function* () {
        for await (const r of rows()) yield [r.trait, r.context, r.step, fmt(r.mean), fmt(r.ciLow), fmt(r.ciHigh), r.n, r.nulls];
      });
    return 0;
  });
}

export async function samplesCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { step: { type: "string" }, trait: { type: "string" } });
  if (values.help) return io.out("driftscope samples RUN --step N [--trait ID] [--json]\n"), 0;
  if (positionals.length !== 1) throw new UsageError("samples needs one run (id or name)");
  const step = intFlag("step", values.step, { min: 0 });
  if (step === undefined) throw new UsageError("samples needs --step N");
  return withWorkspace(values.db, async (core) => {
    const run = core.findRun(positionals[0]!);
    const rows = (await core.call("getSamples", { runId: run.id, step, trait: values.trait })).map(({ detail: _detail, ...s }) => s);
    if (values.json) printJson(io, rows);
    else printTable(io, ["TRAIT", "CONTEXT", "ITEM", "#", "SCORE", "RESPONSE"], rows.map((r) => [r.trait, r.context, r.item, r.sample, fmt(r.score), (r.response ?? "").replace(/\s+/g, " ").slice(0, 80)]));
    return 0;
  });
}

export async function doctorCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, { backend: { type: "string" }, workspace: { type: "boolean" }, checkpoint: { type: "string" }, run: { type: "string" }, step: { type: "string" }, suite: { type: "string", multiple: true } });
  if (values.help) return io.out("driftscope doctor --backend NAME|FILE [--checkpoint PATH | --run RUN --step N] [--suite ID|FILE]... [--json]\n  Checks a backend: reachability, models, detected capabilities, and a verdict that names the fix. A serve-command\n  or vllm-lora backend is tested on a real checkpoint (its server started, tested and stopped; its adapter loaded\n  and unloaded). --suite warns where the server gives less than the suite's scorers need.\ndriftscope doctor --workspace [--db FILE] [--json]\n  SQLite's full integrity check of the workspace.\n"), 0;
  if (values.workspace) {
    return withWorkspace(values.db, async (core) => {
      const problems = core.checkWorkspace().filter((p) => p !== "ok");
      const ok = problems.length === 0 && !core.damage;
      if (values.json) printJson(io, { ok, problems, damage: core.damage });
      else io.out(ok ? "workspace: ok (integrity check passed)\n" : `workspace: DAMAGED\n${problems.map((p) => `  ${p}\n`).join("")}${core.damage ? `${core.damage}\n` : ""}`);
      return ok ? 0 : 1;
    });
  }
  if (!values.backend) throw new UsageError("doctor needs --backend NAME|FILE or --workspace");
  if (values.checkpoint !== undefined && values.run !== undefined) throw new UsageError("doctor takes --checkpoint PATH or --run RUN --step N, not both");
  const step = intFlag("step", values.step, { min: 0 });
  if (step !== undefined && values.run === undefined) throw new UsageError("--step needs --run RUN");
  return withWorkspace(values.db, async (core) => {
    const report = await core.doctor(values.backend!, { checkpoint: values.checkpoint, run: values.run, step, suites: values.suite });
    if (values.json) printJson(io, report);
    else if (!report.reachable) {
      io.out(`backend "${report.backend}" (${report.kind}): NOT reachable${report.checkpoint ? ` on ${report.checkpoint}` : ""}: ${report.error}\nverdict: ${report.verdict}\n`);
    } else {
      io.out(`backend "${report.backend}" (${report.kind}): reachable${report.checkpoint ? ` (tested on ${report.checkpoint}, then stopped)` : ""}\n  models: ${report.models.join(", ") || "(none listed)"}\n`);
      if (report.refused) io.out(`  test request refused: ${report.refused}\n`);
      else io.out(`  honours n: ${report.honoursN ? "yes" : "no (requests fan out)"}\n  top_logprobs: ${report.maxTopLogprobs > 0 ? `up to ${report.maxTopLogprobs}` : "none returned"}\n`);
      for (const n of report.notes) io.out(`  note: ${n}\n`);
      for (const w of report.warnings) io.out(`  warning: ${w}\n`);
      io.out(`verdict: ${report.verdict}\n`);
    }
    return report.ok ? 0 : 1;
  });
}
