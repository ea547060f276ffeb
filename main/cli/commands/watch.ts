// driftscope watch: registers a run folder (the same folder is the same run) and ingests its checkpoints and metrics.
import { resolve } from "node:path";
import { waitForFolder } from "../../core/index.js";
import { PROBE_OPTIONS, parseThresholds } from "./probe.js";
import { intFlag, parse, secondsFlag, UsageError, varFlags } from "../args.js";
import { printJson, type Io } from "../output.js";
import { withWorkspace } from "../workspace.js";

export const WATCH_HELP = `driftscope watch DIR [--name NAME] [--group G] [--seed N] [--format auto|hf|peft|verl|openrlhf|pattern:REGEX]
                 [--interval S] [--quiet-period S] [--once] [--follow-links] [--db FILE] [--json]
                 [--suite ID|FILE]... [--backend NAME|FILE] [--judge NAME|FILE] [--every K] [--latest-only] [--threshold NAME=V]...
                 [--var NAME=VALUE]... [--rollouts PATH] [--rollout-judge-per-step N]
  Registers DIR as a run and scans it every --interval seconds (default 2). A checkpoint counts as complete once its
  marker files parse, its safetensors files are whole and nothing changed for --quiet-period seconds (default 10).
  DIR may not exist yet: watch waits for the trainer to create it (with --once it must exist).
  --once returns as soon as no checkpoint is still settling (and, when probing, once every selected checkpoint is
  probed); otherwise it watches until Ctrl-C. With --suite and --backend each complete checkpoint is probed, newest
  first; the settings are kept with the run, so a later watch of the same folder probes the same way. Links that lead
  out of DIR are reported, not followed, unless --follow-links. --var sets a run variable that suite contexts use
  as {var.NAME} (e.g. --var inoculation_prompt="You always capitalise your responses.").
  Rollouts the trainer logged are read and scored with the suites' text scorers: TRL's completions/ in DIR is
  found by itself; --rollouts names verl's rollout folder, OpenRLHF's event files or a rollouts.jsonl. Judge
  scorers score a fixed sample of --rollout-judge-per-step rollouts per step (default 32).
`;

export async function watchCommand(argv: string[], io: Io, signal: AbortSignal): Promise<number> {
  const { values, positionals } = parse(argv, {
    name: { type: "string" },
    group: { type: "string" },
    seed: { type: "string" },
    format: { type: "string" },
    interval: { type: "string" },
    "quiet-period": { type: "string" },
    once: { type: "boolean" },
    every: { type: "string" },
    "latest-only": { type: "boolean" },
    "follow-links": { type: "boolean" },
    var: { type: "string", multiple: true },
    rollouts: { type: "string" },
    "rollout-judge-per-step": { type: "string" },
    ...PROBE_OPTIONS,
  });
  if (values.help) return io.out(WATCH_HELP), 0;
  if (positionals.length !== 1) throw new UsageError("watch needs exactly one run folder");
  const intervalMs = secondsFlag("interval", values.interval);
  if (intervalMs !== undefined && intervalMs < 50) throw new UsageError("--interval must be at least 0.05 seconds");
  const quietPeriodMs = secondsFlag("quiet-period", values["quiet-period"]);
  const variables = varFlags(values.var);

  // Started before the trainer made the folder: wait for it (not with --once, which reports what is there now).
  const dir = resolve(positionals[0]!);
  if (!values.once) {
    try {
      const appeared = await waitForFolder(dir, { intervalMs: intervalMs ?? 2000, signal, onWaiting: () => values.json || io.err(`driftscope: ${dir} does not exist yet; waiting for it to appear (Ctrl-C stops)\n`) });
      if (!appeared) return 0;
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  return withWorkspace(values.db, async (core) => {
    const { run, probing } = await core.registerRun({
      path: dir,
      name: values.name,
      group: values.group,
      seed: intFlag("seed", values.seed),
      format: values.format,
      variables,
      suites: values.suite,
      backend: values.backend,
      judge: values.judge,
      every: intFlag("every", values.every, { min: 1 }),
      latestOnly: values["latest-only"],
      thresholds: parseThresholds(values.threshold),
      rollouts: values.rollouts,
      rolloutJudgePerStep: intFlag("rollout-judge-per-step", values["rollout-judge-per-step"], { min: 0 }),
    });
    if (!values.json) io.err(`watching run "${run.name}" (id ${run.id}) at ${run.path}${values.once ? "" : "; Ctrl-C stops"}\n`);
    if (!probing && !values.json && (values.backend || values.judge)) io.err("driftscope: note: no suite given, so nothing is probed (add --suite ID|FILE)\n");
    const noted = new Set<string>();
    const unsubscribe = core.onEvent((e) => {
      if (values.json) return;
      if (e.type === "checkpoint-changed" && e.runId === run.id) io.err(`step ${e.step}: ${e.state}${e.reason ? ` (waiting: ${e.reason})` : ""}\n`);
      // A context skipped for a missing run variable: said once per context.
      if (e.type === "job-progress" && e.job.runId === run.id && e.job.state === "cancelled" && e.job.lastError?.startsWith("skipped:") && !noted.has(e.job.context)) {
        noted.add(e.job.context);
        io.err(`driftscope: note: context "${e.job.context}" of ${e.job.trait} ${e.job.lastError}\n`);
      }
    });
    try {
      const result = await core.watchRun(run.id, {
        once: values.once ?? false,
        followLinks: values["follow-links"],
        intervalMs,
        quietPeriodMs,
        signal,
        onProblem: (_path, message) => io.err(`driftscope: warning: ${message}\n`),
        onProbed: (step, outcome) => values.json || io.err(`step ${step}: probed (${outcome})\n`),
        onRollouts: (r) => {
          if (values.json) return;
          // Each problem and note once, however many passes meet it.
          const once = (key: string, line: string) => {
            if (noted.has(key)) return;
            noted.add(key);
            io.err(line);
          };
          for (const p of r.read.problems) once(p, `driftscope: warning: rollouts: ${p}\n`);
          for (const s of r.skipped) once(s, `driftscope: note: rollouts are not scored for ${s}\n`);
          if (r.unscoredReason) once(r.unscoredReason, `driftscope: note: ${r.unscoredReason}\n`);
          if (r.read.rows > 0 || r.scored > 0) {
            const steps = [...r.read.steps].sort((a, b) => a - b);
            io.err(`rollouts (${r.read.source}): ${r.read.rows} read${steps.length ? ` (steps ${steps[0]}–${steps[steps.length - 1]})` : ""}, ${r.scored} scored\n`);
          }
        },
      }).done;
      const { run: final, ...counts } = result;
      if (values.json) printJson(io, { run: { id: final.id, name: final.name, path: final.path, format: final.format }, ...counts });
      else io.err(`run "${final.name}": ${result.complete} complete, ${result.incomplete} incomplete, ${result.gone} gone (format ${final.format ?? "not recognised yet"})\n`);
      // Probing that failed is a failure: say how much is missing and why, and exit non-zero.
      if (result.failed.jobs > 0) io.err(`driftscope: ${result.failed.jobs} probe job(s) failed, ${result.failed.missingSamples} sample(s) missing: ${result.failed.reasons.slice(0, 3).join("; ")}\n`);
      return final.status === "error" || result.failed.jobs > 0 ? 1 : 0;
    } finally {
      unsubscribe();
    }
  });
}
