// What every inference backend provides: completions for a checkpoint, optionally with first-token logprobs.
import { z } from "zod";
import type { TopLogprob } from "../probes/scorers.js";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface GenerateRequest {
  messages: ChatMessage[];
  /** Completions wanted for this prompt. */
  n: number;
  temperature: number;
  topP: number;
  maxTokens: number;
  seed?: number;
  /** Ask for this many top logprobs of the first generated token. */
  topLogprobs?: number;
}

export interface Completion {
  text: string;
  /** Top logprobs of the first generated token, where asked for. */
  topLogprobs?: TopLogprob[];
  tokens?: number;
  latencyMs: number;
}

/** The checkpoint a backend is asked to serve. */
export interface CheckpointTarget {
  run: string;
  step: number;
  /** The checkpoint folder. */
  path: string;
  kind: "full" | "lora" | "other";
}

/** What a backend needs to address a prepared checkpoint (e.g. the model name of a loaded adapter). */
export interface Prepared {
  model: string;
  release(): Promise<void>;
}

export interface Capabilities {
  models: string[];
  /** The server returns n choices when asked (vLLM does; Ollama and TGI ignore n). */
  honoursN: boolean;
  /** The most top_logprobs the server returns (0 when it returns none). */
  maxTopLogprobs: number;
  notes: string[];
}

export interface Backend {
  readonly name: string;
  readonly kind: string;
  /** Requests it will have in flight at most: how much work the scheduler keeps ready for it. */
  readonly maxConcurrency: number;
  /** Readies a checkpoint (loads an adapter, starts a server, or nothing); release() undoes it, always. */
  prepare(target: CheckpointTarget | null): Promise<Prepared>;
  generate(prepared: Prepared, request: GenerateRequest, signal?: AbortSignal): Promise<Completion[]>;
  /** Reachability and capabilities, for `driftscope doctor` and "test connection". */
  detect(target?: CheckpointTarget | null): Promise<Capabilities>;
  close(): Promise<void>;
}

export const BACKEND_KINDS = ["openai", "vllm-lora", "serve-command", "command", "demo"] as const;

export const retrySchema = z.strictObject({
  attempts: z.number().int().min(1).max(20).optional(),
  baseMs: z.number().min(0).default(1000),
  maxMs: z.number().min(0).default(60_000),
});

export const backendConfigSchema = z.strictObject({
  name: z.string().min(1),
  kind: z.enum(BACKEND_KINDS),
  baseUrl: z.string().url().optional(),
  baseUrls: z.array(z.string().url()).min(1).optional(),
  /** Model name template: {run}, {step} and {checkpoint} (the folder path) are replaced. */
  model: z.string().default("{checkpoint}"),
  /** Name of the environment variable holding the API key (the key itself is never stored in a config). */
  apiKeyEnv: z.string().optional(),
  maxConcurrency: z.number().int().min(1).max(1024).default(16),
  timeoutMs: z.number().int().min(100).default(120_000),
  retry: retrySchema.optional(),
  /** serve-command: the server to start per checkpoint, with {checkpoint} and {port}; command: the program to run. */
  command: z.string().optional(),
  /** serve-command: path polled until it answers 200. */
  healthPath: z.string().default("/v1/models"),
  startupTimeoutMs: z.number().int().min(100).default(300_000),
  /** openai: force max_completion_tokens (the OpenAI API) or max_tokens (local servers); by default from the URL. */
  tokenField: z.enum(["max_tokens", "max_completion_tokens"]).optional(),
});

export type BackendConfig = z.output<typeof backendConfigSchema>;

export function fillModelTemplate(template: string, target: CheckpointTarget | null): string {
  if (!target) return template;
  return template.replaceAll("{run}", target.run).replaceAll("{step}", String(target.step)).replaceAll("{checkpoint}", target.path);
}
