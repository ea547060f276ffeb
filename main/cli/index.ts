// The `driftscope` command: dispatches to one module per command. Errors go to stderr with a non-zero exit.
import { DatabaseOpenError } from "../core/store/database.js";
import { InputError } from "../core/util/readText.js";
import { UsageError } from "./args.js";
import { demoCommand, DEMO_HELP } from "./commands/demo.js";
import { checkpointsCommand, metricsCommand, runsCommand } from "./commands/list.js";
import { watchCommand, WATCH_HELP } from "./commands/watch.js";
import { doctorCommand, probeCommand, samplesCommand, scoresCommand } from "./commands/probe.js";
import { suitesCommand, SUITES_HELP } from "./commands/suites.js";
import { annotateCommand, annotationsCommand } from "./commands/annotate.js";
import { serveCommand, SERVE_HELP } from "./commands/serve.js";
import { exportCommand, EXPORT_HELP } from "./commands/export.js";
import { processIo, type Io } from "./output.js";

type Command = (argv: string[], io: Io, signal: AbortSignal) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  demo: demoCommand,
  watch: watchCommand,
  runs: runsCommand,
  checkpoints: checkpointsCommand,
  metrics: metricsCommand,
  suites: suitesCommand,
  probe: probeCommand,
  scores: scoresCommand,
  samples: samplesCommand,
  doctor: doctorCommand,
  annotate: annotateCommand,
  annotations: annotationsCommand,
  serve: serveCommand,
  export: exportCommand,
};

export const HELP = `Driftscope: watch RL fine-tuning runs and see how persona traits drift across checkpoints.

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
  doctor       check a backend: reachability, models, capabilities
  annotate RUN add an annotation at a step (--step N [--to M] --text TEXT [--tag T])
  annotations  list a run's annotations
  serve        the app in a browser (loopback, token-protected); --demo starts the live demo
  export       a figure for a paper or slides (SVG, PNG, PDF) or its data (CSV, JSON), with a manifest

${DEMO_HELP}
${WATCH_HELP}
${SUITES_HELP}
${SERVE_HELP}
${EXPORT_HELP}`;

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    io.out(HELP);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`driftscope: unknown command "${name}" (see \`driftscope --help\`)\n`);
    return 2;
  }
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    return await command(rest, io, controller.signal);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`driftscope ${name}: ${err.message}\n`);
      return 2;
    }
    if (err instanceof DatabaseOpenError || err instanceof InputError) {
      io.err(`driftscope: ${err.message}\n`);
      return 1;
    }
    io.err(`driftscope: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
