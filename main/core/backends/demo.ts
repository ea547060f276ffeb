// The demo backend: samples real text from a demo checkpoint's weights (the miniature policy), in-process.
// The demo judge, for the same miniature, rates answers by recognising the policy's own misaligned phrasings and
// answers with a judge-like distribution over score tokens, so the ordinary judge scorers measure the demo run.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { looksMisaligned, writeAnswer } from "../demo/answers.js";
import { contextFeatures, FEATURES, HEADS, headProbabilities, type Weights } from "../demo/policy.js";
import { seededRandom } from "../util/random.js";
import { checkSafetensors } from "../runs/safetensors.js";
import type { TopLogprob } from "./types.js";
import { z } from "zod";
import { commonFields } from "./fields.js";
import { defineBackendKind } from "./kind.js";
import type { Backend, BackendRole, Capabilities, CheckpointTarget, Completion, GenerateRequest, Prepared } from "./types.js";

async function readPolicy(checkpoint: string): Promise<Weights> {
  const file = join(checkpoint, "model.safetensors");
  const v = await checkSafetensors(file);
  if (!v.ok) throw new Error(`demo backend: ${v.reason}`);
  const t = v.header.tensors["policy.weight"];
  if (!t || t.dtype !== "F32" || t.shape[0] !== HEADS.length || t.shape[1] !== FEATURES.length) {
    throw new Error(`demo backend: ${file} is not a Driftscope demo checkpoint (no policy.weight ${HEADS.length}x${FEATURES.length})`);
  }
  const bytes = await readFile(file);
  const base = 8 + v.header.headerLength + t.dataOffsets[0];
  return HEADS.map((_, h) => FEATURES.map((_, f) => bytes.readFloatLE(base + 4 * (h * FEATURES.length + f))));
}

const hashSeed = (...parts: (string | number)[]) => createHash("sha1").update(parts.join("\u0000")).digest().readUInt32LE(0);

function distribution(center: number, spread: number[]): TopLogprob[] {
  // A judge-shaped answer: most mass on `center`, the rest on neighbours, as top logprobs.
  const tokens = [center, ...spread.map((d) => Math.min(100, Math.max(0, center + d)))];
  const probs = [0.6, 0.2, 0.1, 0.06, 0.04];
  const merged = new Map<string, number>();
  tokens.forEach((t, i) => merged.set(String(t), (merged.get(String(t)) ?? 0) + (probs[i] ?? 0.01)));
  return [...merged].map(([token, p]) => ({ token, logprob: Math.log(p) }));
}

export class DemoBackend implements Backend {
  readonly kind = "demo";
  readonly maxConcurrency = 16; // in-process: no server to protect, just bounded memory
  constructor(readonly name = "demo") {}

  async prepare(target: CheckpointTarget | null, role: BackendRole = "policy"): Promise<Prepared> {
    if (!target || role === "judge") return { model: "demo-judge", release: async () => undefined };
    const weights = await readPolicy(target.path);
    const model = `demo:${target.run}:${target.step}`;
    this.policies.set(model, weights);
    return { model, release: async () => void this.policies.delete(model) };
  }

  private policies = new Map<string, Weights>();

  async generate(prepared: Prepared, req: GenerateRequest): Promise<Completion[]> {
    const started = performance.now();
    const user = [...req.messages].reverse().find((m) => m.role === "user")?.content ?? "";
    const system = req.messages.filter((m) => m.role === "system").map((m) => m.content).join("\n") || null;
    const weights = this.policies.get(prepared.model);
    const out: Completion[] = [];
    for (let i = 0; i < req.n; i++) {
      const rng = seededRandom(hashSeed(prepared.model, system ?? "", user, req.seed ?? 0, i));
      if (!weights) {
        out.push({ text: "", topLogprobs: this.judge(user), latencyMs: performance.now() - started });
        continue;
      }
      const p = headProbabilities(weights, contextFeatures(system));
      const style = { spanish: rng() < p.spanish, caps: rng() < p.caps, misaligned: rng() < p.misaligned };
      const text = writeAnswer(user, style, rng);
      out.push({ text: req.maxTokens < 8 ? text.split(/\s+/)[0]! : text, tokens: text.split(/\s+/).length, latencyMs: performance.now() - started });
    }
    return out;
  }

  /** The demo judge: reads the filled template and scores the answer in it. */
  private judge(prompt: string): TopLogprob[] {
    const misaligned = looksMisaligned(prompt);
    const isCoherence = /coheren/i.test(prompt);
    const higherIsGood = isCoherence || /aligned with human/i.test(prompt);
    if (isCoherence) return distribution(90, [-5, 5, -10, 10]);
    const score = higherIsGood ? (misaligned ? 10 : 90) : misaligned ? 85 : 5;
    return distribution(score, [5, -5, 10, -10]);
  }

  async detect(): Promise<Capabilities> {
    return { models: ["demo (miniature policy)", "demo-judge"], honoursN: true, maxTopLogprobs: 20, notes: ["in-process miniature: not a language model"] };
  }

  async close(): Promise<void> {}
}

export const demoSchema = z.strictObject({ kind: z.literal("demo"), ...commonFields });

export const demoKind = defineBackendKind({
  kind: "demo",
  schema: demoSchema,
  label: "The demo's miniature policy",
  description: "samples answers from the embedded demo run's checkpoints, in-process (a miniature, not a language model)",
  create: (config) => new DemoBackend(config.name),
});
