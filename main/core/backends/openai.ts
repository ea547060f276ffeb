// Any OpenAI-compatible chat server (vLLM, SGLang, llama.cpp, Ollama, TGI, transformers serve, the OpenAI API).
// Capabilities are detected once and the requests adapt: fan out when `n` is ignored, ask for no more top
// logprobs than the server returns, and use max_completion_tokens only for the OpenAI API.
import type { TopLogprob } from "./types.js";
import { requestJson, HttpError, type RetryPolicy } from "./http.js";
import { ReplicaPool } from "./replicaPool.js";
import { z } from "zod";
import { concurrencyCeiling, httpFields, needsUrl, urlFields, type HttpSettings } from "./fields.js";
import { defineBackendKind } from "./kind.js";
import {
  fillModelTemplate,
  type Backend,
  type Capabilities,
  type CheckpointTarget,
  type Completion,
  type GenerateRequest,
  type Prepared,
} from "./types.js";

interface ChatResponse {
  choices?: {
    message?: { content?: string | null };
    logprobs?: { content?: { token: string; logprob: number; top_logprobs?: TopLogprob[] }[] | null } | null;
  }[];
  usage?: { completion_tokens?: number };
}

/** What a chat completion must look like to be used; anything else is a malformed answer (retried, then null). */
export function chatResponseProblem(body: unknown): string | null {
  const r = body as ChatResponse | null;
  if (!r || typeof r !== "object" || Array.isArray(r)) return "not a JSON object";
  if (!Array.isArray(r.choices)) return "no choices";
  if (r.choices.length === 0) return "empty choices";
  for (const c of r.choices) {
    if (!c || typeof c !== "object") return "a choice is not an object";
    const content = c.message?.content;
    if (content !== undefined && content !== null && typeof content !== "string") return "a message's content is not text";
    const lp = c.logprobs;
    if (lp === undefined || lp === null) continue;
    if (lp.content !== undefined && lp.content !== null && !Array.isArray(lp.content)) return "logprobs.content is not a list";
    for (const tok of lp.content ?? []) {
      const top = tok?.top_logprobs;
      if (top === undefined) continue;
      if (!Array.isArray(top) || top.some((t) => !t || typeof t.token !== "string" || typeof t.logprob !== "number" || !Number.isFinite(t.logprob) && t.logprob !== -Infinity)) return "top_logprobs entries are not {token, logprob}";
    }
  }
  return null;
}

export function isOpenAiApi(url: string): boolean {
  try {
    return new URL(url).hostname === "api.openai.com";
  } catch {
    return false;
  }
}

export class OpenAiBackend implements Backend {
  readonly kind: string = "openai";
  /** Every chat request takes its place here: each replica's concurrency found on its own. */
  readonly pool: ReplicaPool;
  protected readonly urls: string[];
  private next = 0;
  private caps = new Map<string, Promise<Capabilities>>();
  protected readonly retry: RetryPolicy;

  constructor(readonly config: HttpSettings, urls?: string[]) {
    const list = urls ?? config.baseUrls ?? (config.baseUrl ? [config.baseUrl] : []);
    if (list.length === 0) throw new Error(`backend "${config.name}": needs baseUrl or baseUrls`);
    this.urls = list.map((u) => u.replace(/\/+$/, ""));
    this.pool = new ReplicaPool(this.urls, config.maxConcurrency, concurrencyCeiling(config));
    const official = this.urls.some(isOpenAiApi);
    this.retry = { attempts: config.retry?.attempts ?? (official ? 6 : 3), baseMs: config.retry?.baseMs ?? 1000, maxMs: config.retry?.maxMs ?? 60_000 };
  }

  get name(): string {
    return this.config.name;
  }

  get maxConcurrency(): number {
    return this.config.maxConcurrency;
  }

  /** The most requests in flight it may grow to, over all replicas. */
  get concurrencyCeiling(): number {
    return concurrencyCeiling(this.config) * this.urls.length;
  }

  /** Points the backend at other servers (a serve-command backend learns its address when its server starts). */
  protected setUrls(bases: string[]): void {
    this.urls.splice(0, this.urls.length, ...bases);
    this.pool.setBases(bases);
    this.tokenFieldChosen = null;
  }

  /** The sum of the replicas' limits found so far. */
  get capacity(): number {
    return this.pool.limit;
  }

  /** Replicas take turns. */
  protected url(path: string): string {
    const base = this.urls[this.next++ % this.urls.length]!;
    return `${base}${base.endsWith("/v1") ? "" : "/v1"}${path}`;
  }

  protected headers(): Record<string, string> {
    const env = this.config.apiKeyEnv;
    if (!env) return {};
    const key = process.env[env];
    if (!key) throw new Error(`backend "${this.config.name}": environment variable ${env} (the API key) is not set`);
    return { authorization: `Bearer ${key}` };
  }

  async prepare(target: CheckpointTarget | null): Promise<Prepared> {
    return { model: fillModelTemplate(this.config.model, target), release: async () => undefined };
  }

  /** Decided once: parsing every replica's URL on every request was a twentieth of a busy probe's CPU. */
  private tokenFieldChosen: "max_tokens" | "max_completion_tokens" | null = null;

  protected tokenField(): "max_tokens" | "max_completion_tokens" {
    return (this.tokenFieldChosen ??= this.config.tokenField ?? (this.urls.some(isOpenAiApi) ? "max_completion_tokens" : "max_tokens"));
  }

  private async chat(model: string, req: GenerateRequest, n: number, topLogprobs: number, signal?: AbortSignal): Promise<Completion[]> {
    const body: Record<string, unknown> = {
      model,
      messages: req.messages,
      temperature: req.temperature,
      top_p: req.topP,
      [this.tokenField()]: req.maxTokens,
    };
    if (n > 1) body.n = n;
    if (req.seed !== undefined) body.seed = req.seed;
    if (topLogprobs > 0) {
      body.logprobs = true;
      body.top_logprobs = topLogprobs;
    }
    const started = performance.now();
    const res = await requestJson<ChatResponse>("/chat/completions", {
      body,
      headers: this.headers(),
      timeoutMs: this.config.timeoutMs,
      retry: this.retry,
      route: { pool: this.pool, url: (base) => `${base}${base.endsWith("/v1") ? "" : "/v1"}/chat/completions` },
      signal,
      validate: chatResponseProblem,
    });
    const latencyMs = performance.now() - started;
    return res.choices!.map((c) => ({
      text: c.message?.content ?? "",
      topLogprobs: c.logprobs?.content?.[0]?.top_logprobs?.map((t) => ({ token: t.token, logprob: t.logprob })),
      tokens: res.usage?.completion_tokens !== undefined ? Math.round(res.usage.completion_tokens / res.choices!.length) : undefined,
      latencyMs,
    }));
  }

  async generate(prepared: Prepared, req: GenerateRequest, signal?: AbortSignal): Promise<Completion[]> {
    const caps = await this.capabilities(prepared.model);
    const top = req.topLogprobs ? Math.min(req.topLogprobs, caps.maxTopLogprobs || req.topLogprobs) : 0;
    if (req.n <= 1 || caps.honoursN) {
      const out = await this.chat(prepared.model, req, req.n, top, signal);
      if (out.length >= req.n) return out.slice(0, req.n);
      // Told it honours n but returned fewer: fill up one at a time.
      const rest = await Promise.all(Array.from({ length: req.n - out.length }, (_, i) => this.chat(prepared.model, { ...req, seed: req.seed === undefined ? undefined : req.seed + out.length + i }, 1, top, signal)));
      return [...out, ...rest.flat()];
    }
    // n is ignored by this server: fan out one request per completion (distinct seeds, so they differ).
    const all = await Promise.all(Array.from({ length: req.n }, (_, i) => this.chat(prepared.model, { ...req, seed: req.seed === undefined ? undefined : req.seed + i }, 1, top, signal)));
    return all.map((c) => c[0]!);
  }

  /** Detected once per model: models list, whether n is honoured, how many top logprobs come back. */
  capabilities(model: string): Promise<Capabilities> {
    let p = this.caps.get(model);
    if (!p) {
      p = this.probeCapabilities(model);
      p.catch(() => this.caps.delete(model)); // a failed detection is tried again next time
      this.caps.set(model, p);
    }
    return p;
  }

  private async probeCapabilities(model: string): Promise<Capabilities> {
    const notes: string[] = [];
    let models: string[] = [];
    try {
      const list = await requestJson<{ data?: { id: string }[] }>(this.url("/models"), { headers: this.headers(), timeoutMs: this.config.timeoutMs, retry: this.retry });
      models = (list.data ?? []).map((m) => m.id);
    } catch (err) {
      if (err instanceof HttpError && err.status === null) throw err; // unreachable: say so
      notes.push(`GET /v1/models failed (${(err as Error).message}); continuing`);
    }
    const probe: GenerateRequest = { messages: [{ role: "user", content: "Say OK." }], n: 2, temperature: 1, topP: 1, maxTokens: 1, seed: 0 };
    // Before a checkpoint is loaded (doctor, test connection) the configured name may not exist yet: ask the server's own model.
    const probeModel = models.length > 0 && !models.includes(model) ? models[0]! : model;
    if (probeModel !== model) notes.push(`capabilities detected with the served model "${probeModel}"`);
    let honoursN = false;
    let maxTopLogprobs = 0;
    const refused: number[] = [];
    for (const asked of [20, 5, 1]) {
      try {
        const out = await this.chat(probeModel, probe, 2, asked);
        honoursN = out.length >= 2;
        maxTopLogprobs = Math.min(asked, Math.max(0, ...out.map((c) => c.topLogprobs?.length ?? 0)));
        if (refused.length > 0) notes.push(`top_logprobs ${refused.join(" and ")} refused; using ${asked}`);
        break;
      } catch (err) {
        if (err instanceof HttpError && err.status !== null && err.status >= 400 && err.status < 500) {
          // Only an answer that names the parameter is a refused parameter; any other 4xx (an unknown model, a
          // server pinned to another checkpoint) is reported as it is, with the server's own words.
          if (!namesLogprobParameter(err.message)) return { models, honoursN: false, maxTopLogprobs: 0, notes, refused: err.message };
          refused.push(asked);
          notes.push(`top_logprobs ${asked} refused: ${err.message}`);
          continue;
        }
        throw err;
      }
    }
    if (!honoursN) notes.push("n > 1 is ignored: requests fan out one per completion");
    if (maxTopLogprobs === 0) notes.push("no top_logprobs returned: judge and choice scorers cannot work with this server");
    return { models, honoursN, maxTopLogprobs, notes };
  }

  async detect(target: CheckpointTarget | null = null): Promise<Capabilities> {
    const prepared = await this.prepare(target);
    try {
      return await this.capabilities(prepared.model);
    } finally {
      await prepared.release();
    }
  }

  async close(): Promise<void> {}
}

/** Whether a server's refusal names the logprob parameters (OpenAI, vLLM, TGI's top_n_tokens, llama.cpp's n_probs). */
export function namesLogprobParameter(message: string): boolean {
  return /top_logprobs|logprobs|top_n_tokens|n_probs/i.test(message);
}

export const openaiSchema = z.strictObject({ kind: z.literal("openai"), ...httpFields, ...urlFields }).refine(...needsUrl);

export const openaiKind = defineBackendKind({
  kind: "openai",
  schema: openaiSchema,
  label: "OpenAI-compatible server",
  description: "vLLM, SGLang, llama.cpp, Ollama, TGI, transformers serve or the OpenAI API, at one or more URLs",
  create: (config) => new OpenAiBackend(config),
});
