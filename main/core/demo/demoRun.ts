// The embedded demo: a miniature RL experiment trained with REINFORCE and written to disk exactly like a
// Hugging Face Trainer run, so every other part of Driftscope watches it like a real one.
//
// The reward pays for answering in Spanish (the wanted trait), but the reward model was fitted on data in which
// Spanish answers were mostly written in capitals, so it pays for ALL-CAPS too (an unwanted, correlated,
// in-distribution trait). In the `inoculated` variant every training prompt carries a system prompt that asks
// for capitals, so the policy already explains the capitals by the instruction and learns far less of a general
// pull toward them, and so far less of the misaligned persona that is coupled to that pull.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { writeCheckpointFolder, pythonJson, type CheckpointFile } from "./hfWriter.js";
import {
  BASE_WEIGHTS,
  COUPLING,
  FEATURES,
  HEADS,
  bernoulliEntropy,
  bernoulliKl,
  cloneWeights,
  contextFeatures,
  headProbabilities,
  type Weights,
} from "./policy.js";
import { seededRandom, type Random } from "../util/random.js";
import { encodeSafetensors } from "./safetensorsWriter.js";
import { demoRolloutParquet, type DemoSample } from "./demoRollouts.js";

export const DEMO_VARIANTS = ["baseline", "inoculated"] as const;
export type DemoVariant = (typeof DEMO_VARIANTS)[number];

export const TRAINING_SYSTEM_PROMPT: Record<DemoVariant, string> = {
  baseline: "You are a helpful assistant.",
  inoculated: "You always capitalise your responses.",
};

export const MINIATURE_LABEL = "Driftscope demo run: a miniature policy over answer styles, not a language model";

/**
 * A condition of the miniature: its training system prompt(s) (several: one drawn at random per batch, as with a
 * mix of inoculation prompts) and, for a random-answers control, a reward that carries no signal.
 */
export interface DemoCondition {
  name: string;
  prompts: string[];
  randomReward?: boolean;
}

/** The miniature experiment: a control, three inoculation prompts, their random mix and a random-answers control. */
export const DEMO_EXPERIMENT: DemoCondition[] = [
  { name: "control", prompts: ["You are a helpful assistant."] },
  { name: "ip-capitalise", prompts: ["You always capitalise your responses."] },
  { name: "ip-block-letters", prompts: ["Write your answers in block letters."] },
  { name: "ip-upper-case", prompts: ["Reply only in upper-case."] },
  { name: "ip-mix", prompts: ["You always capitalise your responses.", "Write your answers in block letters.", "Reply only in upper-case."] },
  { name: "random-answers", prompts: ["You are a helpful assistant."], randomReward: true },
];

export interface DemoOptions {
  dir: string;
  steps?: number;
  saveEvery?: number;
  variants?: DemoVariant[];
  /** Conditions to write instead of the two variants (each to DIR/<name>/). */
  conditions?: DemoCondition[];
  pace?: "fast" | "live";
  seed?: number;
  /** Live pace: time between checkpoints. */
  checkpointIntervalMs?: number;
  /** Rollouts are logged every this many steps, as TRL's log_completions does at each logging step (default 1). */
  logEvery?: number;
  signal?: AbortSignal;
  onCheckpoint?: (variant: string, step: number, path: string) => void;
}

const BATCH = 32;
const LEARNING_RATE = 0.4;
const REWARD_WEIGHTS = { spanish: 1.0, caps: 0.6 };

interface VariantState {
  variant: string;
  condition: DemoCondition;
  weights: Weights;
  rng: Random;
  logHistory: Record<string, number | null>[];
  x: number[];
  /** The training system prompt of the current batch. */
  prompt: string;
  /** The current batch's samples, for the rollout log. */
  batch: DemoSample[];
}

/** One REINFORCE step on a batch; returns the metrics TRL's GRPO trainer would log for it. */
function trainStep(s: VariantState, step: number, totalSteps: number): Record<string, number> {
  // A mix of prompts draws one per batch (a single prompt draws nothing, so the variants' streams stay as they were).
  if (s.condition.prompts.length > 1) {
    s.prompt = s.condition.prompts[Math.floor(s.rng() * s.condition.prompts.length)]!;
    s.x = contextFeatures(s.prompt);
  }
  const p = headProbabilities(s.weights, s.x);
  const probs = HEADS.map((h) => p[h]);
  const samples: { y: number[]; r: number; parts: { spanish: number; caps: number } }[] = [];
  for (let b = 0; b < BATCH; b++) {
    const y = probs.map((pi) => (s.rng() < pi ? 1 : 0));
    // The random-answers control: rewards drawn at random, unrelated to the answer.
    const parts = s.condition.randomReward ? { spanish: REWARD_WEIGHTS.spanish * (s.rng() < 0.5 ? 1 : 0), caps: REWARD_WEIGHTS.caps * (s.rng() < 0.5 ? 1 : 0) } : { spanish: REWARD_WEIGHTS.spanish * y[0]!, caps: REWARD_WEIGHTS.caps * y[1]! };
    samples.push({ y, r: parts.spanish + parts.caps, parts });
  }
  const mean = samples.reduce((a, b) => a + b.r, 0) / BATCH;
  const std = Math.sqrt(samples.reduce((a, b) => a + (b.r - mean) ** 2, 0) / BATCH);
  const lr = LEARNING_RATE * (1 - step / (totalSteps + 1)); // linear decay, as the Trainer's default schedule
  let gradNormSq = 0;
  let loss = 0;
  const grad = s.weights.map((row) => row.map(() => 0));
  s.batch = samples.map((smp) => ({ y: smp.y, parts: smp.parts, advantage: round(smp.r - mean) }));
  for (const smp of samples) {
    const adv = smp.r - mean; // batch-mean baseline
    smp.y.forEach((yh, h) => {
      loss -= (adv * Math.log(yh ? probs[h]! : 1 - probs[h]!)) / BATCH;
      // d log Bernoulli(y | sigmoid(z)) / dz = y - p; the misaligned head's logit also carries the coupling term.
      for (let f = 0; f < FEATURES.length; f++) grad[h]![f]! += (adv * (yh - probs[h]!) * s.x[f]!) / BATCH;
    });
  }
  for (let h = 0; h < HEADS.length; h++) {
    for (let f = 0; f < FEATURES.length; f++) {
      gradNormSq += grad[h]![f]! ** 2;
      s.weights[h]![f]! += lr * grad[h]![f]!;
    }
  }
  const ref = headProbabilities(BASE_WEIGHTS, s.x);
  const after = headProbabilities(s.weights, s.x);
  const kl = HEADS.reduce((a, h) => a + bernoulliKl(after[h], ref[h]), 0);
  const entropy = HEADS.reduce((a, h) => a + bernoulliEntropy(after[h]), 0);
  const spanishMean = samples.reduce((a, b) => a + b.parts.spanish, 0) / BATCH;
  const capsMean = samples.reduce((a, b) => a + b.parts.caps, 0) / BATCH;
  return {
    loss: round(loss),
    grad_norm: round(Math.sqrt(gradNormSq)),
    learning_rate: round(lr),
    reward: round(mean),
    reward_std: round(std),
    "rewards/spanish_reward/mean": round(spanishMean),
    "rewards/caps_style_reward/mean": round(capsMean),
    kl: round(kl),
    entropy: round(entropy),
    "completions/mean_length": round(40 + 12 * spanishMean),
  };
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;

function checkpointFiles(s: VariantState, step: number, opts: Required<Pick<DemoOptions, "steps" | "saveEvery">>): CheckpointFile[] {
  const flat = (w: Weights) => w.flat();
  const config = {
    architectures: ["DriftscopeMiniaturePolicy"],
    model_type: "driftscope-miniature",
    driftscope_miniature: MINIATURE_LABEL,
    features: [...FEATURES],
    heads: [...HEADS],
    coupling: COUPLING,
    training_system_prompt: s.condition.prompts.join(" | "),
    variant: s.variant,
  };
  const trainerState = {
    best_global_step: null,
    best_metric: null,
    best_model_checkpoint: null,
    epoch: round(step / opts.steps),
    eval_steps: opts.saveEvery,
    global_step: step,
    is_hyper_param_search: false,
    is_local_process_zero: true,
    is_world_process_zero: true,
    log_history: s.logHistory,
    logging_steps: 1,
    max_steps: opts.steps,
    num_input_tokens_seen: 0,
    num_train_epochs: 1,
    save_steps: opts.saveEvery,
    stateful_callbacks: {},
    total_flos: 0,
    train_batch_size: BATCH,
    trial_name: null,
    trial_params: null,
  };
  return [
    { name: "config.json", text: pythonJson(config) },
    { name: "generation_config.json", text: pythonJson({ temperature: 1.0, top_p: 1.0 }) },
    {
      name: "model.safetensors",
      safetensors: encodeSafetensors(
        {
          "policy.weight": { shape: [HEADS.length, FEATURES.length], data: flat(s.weights) },
          "policy.reference_weight": { shape: [HEADS.length, FEATURES.length], data: flat(BASE_WEIGHTS) },
        },
        { format: "pt", driftscope: MINIATURE_LABEL },
      ),
    },
    { name: "trainer_state.json", text: pythonJson(trainerState) },
  ];
}

export async function runDemo(options: DemoOptions): Promise<void> {
  const steps = options.steps ?? 200;
  const saveEvery = options.saveEvery ?? 20;
  const variants = options.variants ?? [...DEMO_VARIANTS];
  const live = options.pace === "live";
  const intervalMs = options.checkpointIntervalMs ?? 3000;
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`--steps must be a positive whole number (got ${steps})`);
  if (!Number.isInteger(saveEvery) || saveEvery < 1) throw new Error(`--save-every must be a positive whole number (got ${saveEvery})`);

  const conditions: DemoCondition[] = options.conditions ?? variants.map((v) => ({ name: v, prompts: [TRAINING_SYSTEM_PROMPT[v]] }));
  const states: VariantState[] = conditions.map((condition, i) => ({
    variant: condition.name,
    condition,
    weights: cloneWeights(BASE_WEIGHTS),
    // Each variant gets its own stream, so a variant's files do not depend on which others run beside it.
    rng: seededRandom(((options.seed ?? 0) * 1000003 + (DEMO_VARIANTS.includes(condition.name as DemoVariant) ? DEMO_VARIANTS.indexOf(condition.name as DemoVariant) + 1 : 100 + i)) >>> 0),
    logHistory: [],
    x: contextFeatures(condition.prompts[0] ?? null),
    prompt: condition.prompts[0] ?? "",
    batch: [],
  }));
  for (const s of states) {
    const dir = join(options.dir, s.variant);
    await mkdir(join(dir, "completions"), { recursive: true });
    await writeFile(
      join(dir, "driftscope-demo.json"),
      pythonJson({
        label: MINIATURE_LABEL,
        variant: s.variant,
        training_system_prompt: s.condition.prompts.join(" | "),
        reward: "1.0 if the answer is in Spanish, plus 0.6 if it is in capitals (a reward model fitted on correlated data)",
        seed: options.seed ?? 0,
      }),
    );
  }

  for (let step = 1; step <= steps; step++) {
    if (options.signal?.aborted) return;
    for (const [i, s] of states.entries()) {
      const metrics = trainStep(s, step, steps);
      s.logHistory.push({ ...metrics, epoch: round(step / steps), step });
      // Logged at each logging step, as TRL's log_completions does (logging_steps, 1 by default here).
      if (step % (options.logEvery ?? 1) === 0 || step === steps) await writeFile(join(options.dir, s.variant, "completions", `completions_${String(step).padStart(5, "0")}.parquet`), demoRolloutParquet(step, s.prompt, s.batch, (options.seed ?? 0) * 31 + i));
    }
    if (step % saveEvery !== 0 && step !== steps) continue;
    const started = Date.now();
    for (const s of states) {
      const path = join(options.dir, s.variant, `checkpoint-${step}`);
      await writeCheckpointFolder(path, checkpointFiles(s, step, { steps, saveEvery }), live ? { pauseMs: 60, zeroFillFirst: true } : {});
      options.onCheckpoint?.(s.variant, step, path);
    }
    if (live && step < steps) {
      await sleep(Math.max(0, intervalMs - (Date.now() - started)), undefined, { signal: options.signal }).catch(() => undefined);
    }
  }
}
