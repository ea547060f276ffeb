// driftscope probe | scores | samples | doctor
import { createBackend } from "../../core/backends/index.js";
import { configureProbing, planFor, resolveNamedBackend } from "../../core/probes/probeConfig.js";
import { Prober } from "../../core/schedule/prober.js";
import { ProbeStore } from "../../core/store/probeStore.js";
import { intFlag, parse, UsageError } from "../args.js";
import { openStore, requireRun } from "../openStore.js";
import { printJson, printTable, type Io } from "../output.js";

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
  const store = openStore(values.db);
  const probes = new ProbeStore(store);
  try {
    const run = requireRun(store, positionals[0]);
    probes.resumeInterrupted();
    const config = await configureProbing(store, probes, run.id, { suites: values.suite, backend: values.backend, judge: values.judge, thresholds: parseThresholds(values.threshold) });
    if (!config) throw new UsageError("no suite to probe with: give --suite ID|FILE (e.g. --suite inoculation)");
    const checkpoint = store.listCheckpoints(run.id).find((c) => c.step === step && c.state !== "gone" && c.state !== "incomplete");
    if (!checkpoint) throw new UsageError(`run "${run.name}" has no complete checkpoint at step ${step} (driftscope checkpoints ${run.name})`);
    const { plan, close } = planFor(probes, config, values.trait);
    try {
      if (!values.json) store.onEvent((e) => e.type === "job-progress" && e.job.state !== "running" && io.err(`step ${e.job.step} ${e.job.trait}/${e.job.context}: ${e.job.state} ${e.job.done}/${e.job.total}${e.job.lastError ? ` (${e.job.lastError})` : ""}\n`));
      const outcome = await new Prober(probes, plan, { signal }).probeCheckpoint(checkpoint, run.name);
      const scores = probes.listScores(run.id).filter((s) => s.step === step);
      if (values.json) printJson(io, { step, outcome, scores });
      else {
        io.out(`step ${step}: ${outcome}\n`);
        printTable(io, ["TRAIT", "CONTEXT", "MEAN", "95% CI", "N", "NULLS"], scores.map((s) => [s.trait, s.context, fmt(s.mean), s.ciLow === null ? null : `${fmt(s.ciLow)}..${fmt(s.ciHigh)}`, s.n, s.nulls]));
      }
      return outcome === "done" ? 0 : 1;
    } finally {
      await close();
    }
  } finally {
    store.close();
  }
}

const fmt = (v: number | null) => (v === null ? "-" : v.toFixed(3));

export async function scoresCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { trait: { type: "string" }, context: { type: "string" } });
  if (values.help) return io.out("driftscope scores RUN [--trait ID] [--context ID] [--json]\n"), 0;
  if (positionals.length !== 1) throw new UsageError("scores needs one run (id or name)");
  const store = openStore(values.db);
  try {
    const run = requireRun(store, positionals[0]);
    const rows = new ProbeStore(store).listScores(run.id, values.trait, values.context);
    if (values.json) printJson(io, rows);
    else printTable(io, ["TRAIT", "CONTEXT", "STEP", "MEAN", "CI LOW", "CI HIGH", "N", "NULLS"], rows.map((r) => [r.trait, r.context, r.step, fmt(r.mean), fmt(r.ciLow), fmt(r.ciHigh), r.n, r.nulls]));
    return 0;
  } finally {
    store.close();
  }
}

export async function samplesCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { step: { type: "string" }, trait: { type: "string" } });
  if (values.help) return io.out("driftscope samples RUN --step N [--trait ID] [--json]\n"), 0;
  if (positionals.length !== 1) throw new UsageError("samples needs one run (id or name)");
  const step = intFlag("step", values.step, { min: 0 });
  if (step === undefined) throw new UsageError("samples needs --step N");
  const store = openStore(values.db);
  try {
    const run = requireRun(store, positionals[0]);
    const rows = new ProbeStore(store).listSamples(run.id, step, values.trait);
    if (values.json) printJson(io, rows);
    else printTable(io, ["TRAIT", "CONTEXT", "ITEM", "#", "SCORE", "RESPONSE"], rows.map((r) => [r.trait, r.context, r.item, r.sample, fmt(r.score), (r.response ?? "").replace(/\s+/g, " ").slice(0, 80)]));
    return 0;
  } finally {
    store.close();
  }
}

export async function doctorCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, { backend: { type: "string" } });
  if (values.help) return io.out("driftscope doctor --backend NAME|FILE [--json]\n  Checks a backend: reachability, models, detected capabilities.\n"), 0;
  if (!values.backend) throw new UsageError("doctor needs --backend NAME|FILE");
  const store = openStore(values.db);
  let config;
  try {
    config = await resolveNamedBackend(store, values.backend);
  } finally {
    store.close();
  }
  const backend = createBackend(config);
  try {
    const caps = await backend.detect(null);
    const ok = caps.maxTopLogprobs > 0;
    const verdict = ok ? "ready: generation and logprob-based scoring will work" : "reachable, but without top_logprobs: judge and choice scorers will record nulls";
    if (values.json) printJson(io, { backend: config.name, kind: config.kind, reachable: true, ...caps, verdict });
    else {
      io.out(`backend "${config.name}" (${config.kind}): reachable\n  models: ${caps.models.join(", ") || "(none listed)"}\n  honours n: ${caps.honoursN ? "yes" : "no (requests fan out)"}\n  top_logprobs: up to ${caps.maxTopLogprobs}\n`);
      for (const n of caps.notes) io.out(`  note: ${n}\n`);
      io.out(`verdict: ${verdict}\n`);
    }
    return ok ? 0 : 1;
  } catch (err) {
    const message = (err as Error).message;
    if (values.json) printJson(io, { backend: config.name, kind: config.kind, reachable: false, error: message, verdict: "not reachable" });
    else io.out(`backend "${config.name}" (${config.kind}): NOT reachable: ${message}\nverdict: fix the address or start the server, then try again\n`);
    return 1;
  } finally {
    await backend.close();
  }
}
