// activation projection (persona vectors): the probed model's hidden state at hidden-state index `layer`, projected
// onto the trait's persona vector v[layer] / ||v[layer]||, computed by a backend that runs the model itself (the
// activation worker in assets/workers/). The measure chooses which projection is the value:
// - response_avg: the mean hidden state over the answer's tokens (how much the answer expresses the trait);
// - prompt_last: the hidden state at the last prompt token (how much the model is primed for it before answering);
// - shift: prompt_last minus the base model's prompt_last on the same prompt, so a checkpoint's mean over samples is
//   the fine-tuning shift: its mean last-prompt-token hidden state minus the base model's, projected onto the vector.
// Every projection is kept with the sample, with the worker's library versions.
import { isAbsolute } from "node:path";
import { z } from "zod";
import { defineScorer, scorerName } from "./types.js";

const schema = z
  .strictObject({
    kind: z.literal("activation_projection"),
    name: scorerName,
    /** A torch.save'd float tensor [layers + 1, hidden] (persona_vectors' *_diff.pt), by absolute path. */
    vector: z.string().min(1).refine(isAbsolute, "the vector file is given by an absolute path (suites are stored in the workspace, away from their folder)"),
    /** Hidden-state index: 0 is the embedding output, L the output of decoder block L - 1 (as persona_vectors counts). */
    layer: z.number().int().min(0).max(4096),
    measure: z.enum(["response_avg", "prompt_last", "shift"]).default("response_avg"),
    /** The base model's folder, for the shift. */
    base: z.string().min(1).refine(isAbsolute, "the base model is given by an absolute path").optional(),
  })
  .refine((s) => s.measure !== "shift" || s.base !== undefined, { message: "measure shift needs base: the base model's folder", path: ["base"] });

export const activationProjectionScorer = defineScorer({
  kind: "activation_projection",
  schema,
  needs: "activations",
  description: "the projection of the model's hidden state onto a persona vector (response average, last prompt token, or the fine-tuning shift from a base model)",
  async score(s, input) {
    if (!input.project) return { value: null, nullReason: "the probing backend cannot project activations: use the activation worker (a command backend running assets/workers/activation_worker.py)" };
    const p = await input.project({ vector: s.vector, layer: s.layer, base: s.measure === "shift" ? (s.base ?? null) : null });
    const activation = { layer: s.layer, ...p };
    if (s.measure === "prompt_last") return { value: p.promptLast, activation };
    if (s.measure === "shift") {
      if (p.basePromptLast === null) return { value: null, nullReason: "the backend returned no base-model projection", activation };
      return { value: p.promptLast - p.basePromptLast, activation };
    }
    if (p.responseAvg === null) return { value: null, nullReason: "the answer is empty: no response tokens to average", activation };
    return { value: p.responseAvg, activation };
  },
  manifest: (s) => ({ name: s.name, kind: s.kind, vector: s.vector, layer: s.layer, measure: s.measure, ...(s.base ? { base: s.base } : {}) }),
});
