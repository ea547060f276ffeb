// driftscope demo: writes the miniature RL experiment as Hugging Face Trainer-style runs.
import { resolve } from "node:path";
import { DEMO_VARIANTS, runDemo, type DemoVariant } from "../../core/index.js";
import { withWorkspace } from "../workspace.js";
import { choiceFlag, intFlag, parse, UsageError } from "../args.js";
import { printJson, type Io } from "../output.js";

export const DEMO_HELP = `driftscope demo --dir DIR [--steps N] [--save-every K] [--variant baseline|inoculated|both] [--pace fast|live] [--seed S]
driftscope demo --experiment --dir DIR [--seeds N] [--steps N] [--save-every K] [--no-probe] [--db FILE]
  The miniature experiment: a control, three inoculation prompts, their random mix and a random-answers control, each
  x N seeds (default 3), registered with groups, seeds and run variables, probed (unless --no-probe), and recorded as
  the experiment "miniature inoculation experiment".
  Trains Driftscope's miniature demo policy (not a language model) with REINFORCE and writes each variant to DIR/<variant>/
  as Hugging Face Trainer checkpoints. --pace live writes one checkpoint every few seconds; fast writes them all at once.
`;

export async function demoCommand(argv: string[], io: Io, signal: AbortSignal): Promise<number> {
  const { values } = parse(argv, {
    dir: { type: "string" },
    steps: { type: "string" },
    "save-every": { type: "string" },
    variant: { type: "string" },
    pace: { type: "string" },
    seed: { type: "string" },
    experiment: { type: "boolean" },
    seeds: { type: "string" },
    "no-probe": { type: "boolean" },
  });
  if (values.help) return io.out(DEMO_HELP), 0;
  if (!values.dir) throw new UsageError("demo needs --dir DIR");
  if (values.experiment) {
    const seeds = intFlag("seeds", values.seeds, { min: 1 }) ?? 3;
    return withWorkspace(values.db, async (core) => {
      const { experiment, runs } = await core.writeDemoExperiment({ dir: resolve(values.dir!), seeds, steps: intFlag("steps", values.steps, { min: 1 }), saveEvery: intFlag("save-every", values["save-every"], { min: 1 }) }, signal);
      if (!values["no-probe"]) {
        for (const r of runs) {
          if (!values.json) io.err(`probing ${r.name}\n`);
          await core.watchRun(r.id, { once: true, quietPeriodMs: 0, signal }).done;
        }
      }
      if (values.json) printJson(io, { experiment: experiment.name, runs: runs.map((r) => ({ name: r.name, group: r.group, seed: r.seed, path: r.path })) });
      else io.out(`Miniature experiment "${experiment.name}" (a miniature, not a language model): ${runs.length} runs in ${resolve(values.dir!)}; see \`driftscope effects --experiment "${experiment.name}"\`\n`);
      return 0;
    });
  }
  const variant = choiceFlag("variant", values.variant, ["baseline", "inoculated", "both"] as const) ?? "both";
  const variants: DemoVariant[] = variant === "both" ? [...DEMO_VARIANTS] : [variant];
  const dir = resolve(values.dir);
  const written: { variant: string; step: number; path: string }[] = [];
  await runDemo({
    dir,
    steps: intFlag("steps", values.steps, { min: 1 }),
    saveEvery: intFlag("save-every", values["save-every"], { min: 1 }),
    variants,
    pace: choiceFlag("pace", values.pace, ["fast", "live"] as const) ?? "fast",
    seed: intFlag("seed", values.seed, { min: 0 }),
    signal,
    onCheckpoint: (v, step, path) => {
      written.push({ variant: v, step, path });
      if (!values.json) io.out(`${v}: wrote checkpoint-${step}\n`);
    },
  });
  if (values.json) printJson(io, { dir, variants, checkpoints: written });
  else io.out(`Demo run (a miniature, not a language model) written to ${dir}: ${variants.map((v) => `${dir}/${v}`).join(", ")}\n`);
  return 0;
}
