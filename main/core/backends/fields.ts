// Settings fields that several backend kinds share, each with the label and help the settings form shows
// (the form is built from these schemas; see describe.ts).
import { z } from "zod";

export const retrySchema = z
  .strictObject({
    attempts: z.number().int().min(1).max(20).optional(),
    baseMs: z.number().min(0).default(1000),
    maxMs: z.number().min(0).default(60_000),
  })
  .meta({ title: "Retries", description: "attempts and backoff for retryable errors" });

/** Every kind has these. */
export const commonFields = {
  name: z.string().min(1).meta({ title: "Name", description: "how runs and the CLI refer to this backend" }),
  maxConcurrency: z.number().int().min(1).max(4096).default(16).meta({ title: "Concurrency", description: "requests in flight to start with (per replica); more while the server keeps up, fewer when it refuses (429)" }),
  concurrencyCeiling: z.number().int().min(1).max(4096).optional().meta({ title: "Concurrency ceiling", description: "the most requests in flight it may grow to (per replica); by default 256, or the concurrency when that is higher" }),
  timeoutMs: z.number().int().min(100).default(120_000).meta({ title: "Timeout (ms)", description: "per request" }),
};

/** A model name template: {run}, {step} and {checkpoint} (the folder path) are replaced. */
export const modelField = z.string().default("{checkpoint}").meta({ title: "Model", description: "model name sent to the server; {run}, {step} and {checkpoint} are replaced" });

/** Kinds that speak the OpenAI-compatible protocol over HTTP. */
export const httpFields = {
  ...commonFields,
  model: modelField,
  /** Name of the environment variable holding the API key (the key itself is never stored in a config). */
  apiKeyEnv: z.string().optional().meta({ title: "API key variable", description: "environment variable holding the API key (the key is never stored)", secret: true }),
  retry: retrySchema.optional(),
  /** Force max_completion_tokens (the OpenAI API) or max_tokens (local servers); by default from the URL. */
  tokenField: z.enum(["max_tokens", "max_completion_tokens"]).optional().meta({ title: "Token limit field", description: "by default max_completion_tokens for the OpenAI API, max_tokens elsewhere" }),
};

export const urlFields = {
  baseUrl: z.string().url().optional().meta({ title: "Base URL", description: "e.g. http://127.0.0.1:8000" }),
  baseUrls: z.array(z.string().url()).min(1).optional().meta({ title: "Replica URLs", description: "several servers of the same model, used in turn" }),
};

/** openai and vllm-lora need an address. */
export const needsUrl = [(c: { baseUrl?: string; baseUrls?: string[] }) => Boolean(c.baseUrl || c.baseUrls), { message: "needs baseUrl or baseUrls" }] as const;

/** What OpenAiBackend and the kinds built on it read. */
export interface HttpSettings {
  name: string;
  model: string;
  apiKeyEnv?: string;
  maxConcurrency: number;
  concurrencyCeiling?: number;
  timeoutMs: number;
  retry?: { attempts?: number; baseMs: number; maxMs: number };
  tokenField?: "max_tokens" | "max_completion_tokens";
  baseUrl?: string;
  baseUrls?: string[];
}

/** A default that fits a large vLLM: a small local server refuses or slows down long before, and is then found. */
export const DEFAULT_CONCURRENCY_CEILING = 256;

export function concurrencyCeiling(c: { maxConcurrency: number; concurrencyCeiling?: number }): number {
  return Math.max(c.maxConcurrency, c.concurrencyCeiling ?? DEFAULT_CONCURRENCY_CEILING);
}
