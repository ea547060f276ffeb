// driftscope demo: writes the miniature RL experiment as Hugging Face Trainer-style runs.
import { resolve } from "node:path";
import { DEMO_VARIANTS, runDemo, type DemoVariant } from "../../core/index.js";
import { choiceFlag, intFlag, parse, UsageError } from "../args.js";
import { printJson, type Io } from "../output.js";

export const DEMO_HELP = `driftscope demo --dir DIR [--steps N] [--save-every K] [--variant baseline|inoculated|both] [--pace fast|live] [--seed S]
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
  });
  if (values.help) return io.out(DEMO_HELP), 0;
  if (!values.dir) throw new UsageError("demo needs --dir DIR");
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
