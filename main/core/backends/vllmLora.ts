// vLLM with runtime LoRA updating: load each checkpoint's adapter by name, probe with model = that name, unload after.
import { requestJson, HttpError } from "./http.js";
import { OpenAiBackend } from "./openai.js";
import { z } from "zod";
import { httpFields, needsUrl, urlFields } from "./fields.js";
import { defineBackendKind } from "./kind.js";
import type { BackendRole, CheckpointTarget, Prepared } from "./types.js";

/** Adapter names: the run and step, in the characters servers accept. */
export function adapterName(target: CheckpointTarget): string {
  return `${target.run}-step${target.step}`.replace(/[^A-Za-z0-9_.-]/g, "_");
}

export class VllmLoraBackend extends OpenAiBackend {
  override readonly kind = "vllm-lora";


  override async prepare(target: CheckpointTarget | null, role: BackendRole = "policy"): Promise<Prepared> {
    // A judge on a vLLM server answers with the model it names (its templates filled); the probed adapter is not its.
    if (!target || role === "judge") return super.prepare(target);
    if (target.kind !== "lora") throw new Error(`backend "${this.name}" (vllm-lora) can only probe LoRA checkpoints; ${target.path} is ${target.kind}`);
    const lora_name = adapterName(target);
    const post = (path: string, body: unknown) =>
      requestJson<string>(this.url(path), { body, headers: this.headers(), timeoutMs: this.config.timeoutMs, retry: this.retry, text: true });
    try {
      await post("/load_lora_adapter", { lora_name, lora_path: target.path });
    } catch (err) {
      // A leftover adapter of the same name (e.g. after a crash): unload it and load again.
      if (err instanceof HttpError && err.status === 400) {
        await post("/unload_lora_adapter", { lora_name }).catch(() => undefined);
        await post("/load_lora_adapter", { lora_name, lora_path: target.path });
      } else throw err;
    }
    return {
      model: lora_name,
      release: async () => {
        await post("/unload_lora_adapter", { lora_name }).catch((err: Error) => {
          if (!(err instanceof HttpError && err.status === 404)) throw err;
        });
      },
    };
  }
}

export const vllmLoraSchema = z.strictObject({ kind: z.literal("vllm-lora"), ...httpFields, ...urlFields }).refine(...needsUrl);

export const vllmLoraKind = defineBackendKind({
  kind: "vllm-lora",
  schema: vllmLoraSchema,
  label: "vLLM with LoRA hot-loading",
  description: "loads each LoRA checkpoint into a running vLLM server (/v1/load_lora_adapter) and unloads it after",
  create: (config) => new VllmLoraBackend(config),
});
