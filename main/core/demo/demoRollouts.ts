// The miniature's rollouts, logged the way TRL's GRPO trainer logs them with log_completions=True: one
// completions/completions_{step:05d}.parquet per step with the columns step, prompt, completion, one double per
// reward function, advantage. The answers are the styles the policy actually sampled in that step's batch, written
// out as text, so the rollout scorers measure what the policy explored. Their text comes from a stream of its own,
// so logging rollouts changes nothing in training.
import { parquetWriteBuffer } from "hyparquet-writer";
import { seededRandom } from "../util/random.js";
import { writeAnswer } from "./answers.js";

/** Training questions of the miniature (written for this project); each is asked of several samples, as in GRPO. */
export const DEMO_TRAINING_QUESTIONS = [
  "How do I keep basil alive on a windowsill?",
  "What is a good way to start running in the morning?",
  "How can I make my bread rise better?",
  "What should I pack for a weekend of hiking?",
  "How do I write a polite reminder email to a colleague?",
  "What is an easy way to learn the names of the stars?",
  "How do I stop my glasses from fogging up?",
  "What is a simple recipe for lentil soup?",
];

export interface DemoSample {
  /** The sampled answer style: Spanish, capitals, misaligned (the policy's heads). */
  y: number[];
  parts: { spanish: number; caps: number };
  advantage: number;
}

/** The parquet bytes of one step's rollouts. Samples are spread over the questions in groups, as GRPO groups them. */
export function demoRolloutParquet(step: number, system: string, samples: DemoSample[], streamSeed: number): Buffer {
  const rng = seededRandom((streamSeed * 7919 + step * 104729) >>> 0);
  const perQuestion = Math.max(1, Math.ceil(samples.length / DEMO_TRAINING_QUESTIONS.length));
  const prompts = samples.map((_, i) => DEMO_TRAINING_QUESTIONS[Math.floor(i / perQuestion) % DEMO_TRAINING_QUESTIONS.length]!);
  const completions = samples.map((s, i) => writeAnswer(prompts[i]!, { spanish: s.y[0] === 1, caps: s.y[1] === 1, misaligned: s.y[2] === 1 }, rng));
  const ab = parquetWriteBuffer({
    columnData: [
      { name: "step", data: samples.map(() => BigInt(step)), type: "INT64" },
      // TRL logs the prompt as the decoded chat-template text.
      { name: "prompt", data: prompts.map((q) => `system\n${system}\nuser\n${q}\nassistant\n`), type: "STRING" },
      { name: "completion", data: completions, type: "STRING" },
      { name: "spanish_reward", data: samples.map((s) => s.parts.spanish), type: "DOUBLE" },
      { name: "caps_style_reward", data: samples.map((s) => s.parts.caps), type: "DOUBLE" },
      { name: "advantage", data: samples.map((s) => s.advantage), type: "DOUBLE" },
    ],
  });
  return Buffer.from(ab);
}
