// The `driftscope` command: dispatches to one module per command. Errors go to stderr with a non-zero exit.
import { UsageError } from "./args.js";
import { processIo, type Io } from "./output.js";

type Command = (argv: string[], io: Io, signal: AbortSignal) => Promise<number>;

// Each command's module is loaded only when it runs: a command then pays for its own dependencies (the renderer
// stack for export, the server for serve) and not for every other command's.
const COMMANDS: Record<string, () => Promise<Command>> = {
  demo: async () => (await import("./commands/demo.js")).demoCommand,
  watch: async () => (await import("./commands/watch.js")).watchCommand,
  runs: async () => (await import("./commands/list.js")).runsCommand,
  checkpoints: async () => (await import("./commands/list.js")).checkpointsCommand,
  metrics: async () => (await import("./commands/list.js")).metricsCommand,
  suites: async () => (await import("./commands/suites.js")).suitesCommand,
  probe: async () => (await import("./commands/probe.js")).probeCommand,
  scores: async () => (await import("./commands/probe.js")).scoresCommand,
  samples: async () => (await import("./commands/probe.js")).samplesCommand,
  doctor: async () => (await import("./commands/probe.js")).doctorCommand,
  annotate: async () => (await import("./commands/annotate.js")).annotateCommand,
  annotations: async () => (await import("./commands/annotate.js")).annotationsCommand,
  serve: async () => (await import("./commands/serve.js")).serveCommand,
  export: async () => (await import("./commands/export.js")).exportCommand,
  alerts: async () => (await import("./commands/alerts.js")).alertsCommand,
  experiment: async () => (await import("./commands/experiment.js")).experimentCommand,
  effects: async () => (await import("./commands/experiment.js")).effectsCommand,
  "probe-model": async () => (await import("./commands/experiment.js")).probeModelCommand,
  rollouts: async () => (await import("./commands/rollouts.js")).rolloutsCommand,
  "rollout-samples": async () => (await import("./commands/rollouts.js")).rolloutSamplesCommand,
  backup: async () => (await import("./commands/backup.js")).backupCommand,
  restore: async () => (await import("./commands/backup.js")).restoreCommand,
};

const SUMMARY = `Driftscope: watch RL fine-tuning runs and see how persona traits drift across checkpoints.

Usage: driftscope <command> [options]   (every command takes --db FILE and --json; default database: $DRIFTSCOPE_DB or the app's data folder)

Commands:
  demo         write the miniature demo experiment as Trainer-style runs
  watch DIR    register a run folder and ingest its checkpoints and training metrics
  runs         list runs
  checkpoints  list a run's checkpoints
  metrics      list a run's training metrics
  suites       list, show, validate or import probe suites
  probe RUN    probe one checkpoint (--step N) with suites, a backend and a judge
  scores RUN   trait scores per step and context (mean, 95% CI, n, nulls)
  samples RUN  the samples behind a checkpoint's scores
  rollouts RUN what the policy explored: traits of the logged rollouts per step, with reward correlation
  rollout-samples RUN  one step's rollouts with their scores (--step N, sorted by reward, advantage or score)
  doctor       check a backend (--backend): reachability, models, capabilities; or the workspace (--workspace)
  annotate RUN add an annotation at a step (--step N [--to M] --text TEXT [--tag T])
  annotations  list a run's annotations
  serve        the app in a browser (loopback, token-protected); --demo starts the live demo
  export       a figure for a paper or slides (SVG, PNG, PDF) or its data (CSV, JSON), with a manifest
  experiment   create, list or show an experiment (conditions = groups of runs, against a control)
  probe-model  probe a model that is no run's checkpoint (the base model) as a reference run
  effects      each condition's effect versus the control, per trait and context, with two-level bootstrap intervals
  backup       an online backup of the workspace (--list shows them); restore FILE puts one back
  alerts       rules on drift and run health that annotate, notify and can run a program (add, list, fired, remove)

`;

/** The full help: the summary and each command's detailed options (loads every command's module). */
export async function fullHelp(): Promise<string> {
  const [demo, watch, suites, serve, exp, alerts] = await Promise.all([import("./commands/demo.js"), import("./commands/watch.js"), import("./commands/suites.js"), import("./commands/serve.js"), import("./commands/export.js"), import("./commands/alerts.js")]);
  const experiment = await import("./commands/experiment.js");
  return `${SUMMARY}\n${demo.DEMO_HELP}\n${watch.WATCH_HELP}\n${suites.SUITES_HELP}\n${serve.SERVE_HELP}\n${exp.EXPORT_HELP}\n${alerts.ALERTS_HELP}\n${experiment.EXPERIMENT_HELP}\n${experiment.PROBE_MODEL_HELP}`;
}

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    io.out(await fullHelp());
    return name === undefined ? 2 : 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.err(`driftscope: unknown command "${name}" (see \`driftscope --help\`)\n`);
    return 2;
  }
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const command = await load();
    return await command(rest, io, controller.signal);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`driftscope ${name}: ${err.message}\n`);
      return 2;
    }
    // The core's errors are told apart by name, so this module need not load the core for `--help`. The contract's
    // bad-request and not-found read like usage errors (exit 2); a workspace or input file that cannot be used, 1.
    const e = err as Error & { code?: string };
    if (e?.name === "ApiError" && (e.code === "bad-request" || e.code === "not-found")) {
      io.err(`driftscope ${name}: ${e.message}\n`);
      return 2;
    }
    if (e?.name === "DatabaseOpenError" || e?.name === "InputError" || e?.name === "SuiteError" || e?.name === "ApiError") {
      io.err(`driftscope: ${e.message}\n`);
      return 1;
    }
    io.err(`driftscope: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
