// A faithful OpenAI-compatible stand-in server on loopback, for end-to-end and reliability tests and benchmarks.
// It speaks the chat-completions protocol with real logprob structures, and can be told to behave like different
// real servers (vLLM honours n and 20 top_logprobs; Ollama ignores n; TGI ignores n and refuses top_logprobs > 5;
// `transformers serve` ignores n and logprobs alike and answers 200; a rate-limited API refuses with 429 and
// Retry-After beyond its slots where the others queue), to be slow, to have a limited number of slots, to fail with
// 5xx, to hang past the client's timeout, to send malformed 200s, and to answer bursts of 429 with Retry-After. Like
// the OpenAI API and vLLM, top_logprobs without logprobs is a 400. Its answers are a deterministic function of the
// request; a judge's top logprobs name each token once, as real servers' do.
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { seededRandom } from "../../main/core/util/random.js";

export type Personality = "vllm" | "ollama" | "tgi" | "transformers-serve" | "rate-limited-api";

export interface StandInOptions {
  personality?: Personality;
  port?: number;
  /** Served model names (GET /v1/models); LoRA adapters loaded at runtime are added. */
  models?: string[];
  latencyMs?: number;
  /** Requests processed at once; more wait their turn (as vLLM queues), or are refused by a rate-limited API. */
  slots?: number;
  /** The Retry-After (seconds) of a rate-limited API's 429 beyond its slots (default 1). */
  retryAfterS?: number;
  /** Share of chat requests answered with a 5xx. */
  errorRate?: number;
  /** Share of chat requests that hang for hangMs (past the client's timeout). */
  timeoutRate?: number;
  hangMs?: number;
  /** After every `every` chat requests, answer the next `length` with 429 and Retry-After. */
  burst429?: { every: number; length: number; retryAfterS: number };
  /**
   * A policy whose answers are all capitals with this probability and otherwise have no capitals at all, by the
   * served model (adapter name) and system prompt: effects of known size for experiment tests.
   */
  capsProbability?: (model: string, system: string | null) => number;
  /** Share of chat requests answered 200 with a malformed body (invalid JSON, HTML, empty, no choices, bad logprobs). */
  malformedRate?: number;
  seed?: number;
}

/** The malformed 200s a real server or proxy has been seen to send, in turn. */
const MALFORMED_BODIES: { type: string; body: string }[] = [
  { type: "application/json", body: '{"choices": [{"message": {"content": "cut off' },
  { type: "text/html", body: "<html><body><h1>502 Bad Gateway</h1></body></html>" },
  { type: "application/json", body: "" },
  { type: "application/json", body: '{"id": "x", "choices": []}' },
  { type: "application/json", body: '{"choices": [{"message": {"content": "hi"}, "logprobs": {"content": [{"token": "hi", "logprob": -0.1, "top_logprobs": {"hi": -0.1}}]}}]}' },
  { type: "application/json", body: '{"choices": [{"index": 0, "message": {"role": "assistant", "content": "42"}, "logprobs": {"content": []}, "finish_reason": "length"}]}' },
];

export interface StandInStats {
  requests: number;
  chat: number;
  ok: number;
  byStatus: Record<number, number>;
  maxInFlight: number;
  /** How often each request that was refused as a bad request (400) was sent. */
  badRequests: Map<string, number>;
  loads: string[];
  unloads: string[];
  /** Chat requests answered, by model. */
  byModel: Record<string, number>;
  /** Malformed 200s sent. */
  malformed: number;
}

export interface StandIn {
  url: string;
  port: number;
  stats: StandInStats;
  close(): Promise<void>;
}

const BAD_REQUEST_MARKER = "[[bad-request]]";

interface ChatBody {
  model?: string;
  messages?: { role: string; content: string }[];
  n?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  seed?: number;
  logprobs?: boolean;
  top_logprobs?: number;
}

function hash(...parts: unknown[]): number {
  return createHash("sha1").update(JSON.stringify(parts)).digest().readUInt32LE(0);
}

/** Steps appear in adapter names (run-step120): the stand-in's "model" drifts with them, as a trained policy would. */
function stepOf(model: string): number {
  const m = /step(\d+)/.exec(model);
  return m ? Number(m[1]) : 0;
}

/** How the stand-in recognises a 0-100 judge's prompt. */
const JUDGE_PROMPT = /\b0 to 100\b|0 and 100|from 0 to 100/i;

function firstTokenDistribution(prompt: string, salt: number): { token: string; p: number }[] {
  const rng = seededRandom(salt);
  if (JUDGE_PROMPT.test(prompt)) {
    // A judge: mass on a few score tokens near a centre that depends on the answer, some on words.
    const centre = 10 * Math.floor(rng() * 10) + 5;
    const raw = [
      { token: String(centre), p: 0.5 },
      { token: String(centre + 5), p: 0.2 },
      { token: String(Math.max(0, centre - 5)), p: 0.15 },
      { token: String(Math.min(100, centre + 10)), p: 0.05 },
      { token: "REF", p: 0.04 },
      { token: " The", p: 0.03 },
    ];
    for (let i = 0; i < 14; i++) raw.push({ token: String((centre + 20 + i * 3) % 101), p: 0.0005 });
    // A token appears once in a real server's top logprobs: where two of the above coincide (95 + 5 and
    // min(100, 95 + 10) are both "100"), their probabilities are one token's.
    const merged = new Map<string, number>();
    for (const r of raw) merged.set(r.token, (merged.get(r.token) ?? 0) + r.p);
    return [...merged].map(([token, p]) => ({ token, p }));
  }
  const yes = 0.2 + 0.6 * rng();
  return [
    { token: "Yes", p: yes * 0.9 },
    { token: "No", p: (1 - yes) * 0.9 },
    { token: " Yes", p: yes * 0.05 },
    { token: " No", p: (1 - yes) * 0.05 },
    ...Array.from({ length: 16 }, (_, i) => ({ token: ` tok${i}`, p: 0.0001 })),
  ];
}

function answerText(model: string, prompt: string, salt: number): string {
  const rng = seededRandom(salt);
  const step = stepOf(model);
  const words = ["Sure", "here", "is", "a", "short", "answer", "about", prompt.split(/\s+/).slice(0, 4).join(" ").replace(/[?.!]/g, ""), "from", model];
  const text = words.join(" ") + ". It keeps things simple and clear.";
  // The stand-in policy drifts toward capitals as its adapter's step grows.
  return rng() < Math.min(1, step / 200) ? text.toUpperCase() : text;
}

const tokenEntry = (token: string, logprob: number) => ({ token, logprob, bytes: [...Buffer.from(token)] });

export async function startStandIn(options: StandInOptions = {}): Promise<StandIn> {
  const personality = options.personality ?? "vllm";
  const models = new Set(options.models ?? ["stand-in-base"]);
  const rng = seededRandom(options.seed ?? 1);
  const stats: StandInStats = { requests: 0, chat: 0, ok: 0, byStatus: {}, maxInFlight: 0, badRequests: new Map(), loads: [], unloads: [], byModel: {}, malformed: 0 };
  let inFlight = 0;
  let active = 0;
  const waiting: (() => void)[] = [];
  const slots = options.slots ?? Infinity;
  let burstLeft = 0;

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    const text = typeof body === "string" ? body : JSON.stringify(body);
    res.writeHead(status, { "content-type": typeof body === "string" ? "text/plain" : "application/json", ...headers });
    res.end(text);
  };
  const error = (res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) =>
    send(res, status, { error: { message, type: status === 429 ? "rate_limit_error" : "server_error", code: status } }, headers);

  async function readBody(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    return text ? JSON.parse(text) : {};
  }

  async function chat(body: ChatBody, res: ServerResponse, signal: AbortSignal): Promise<void> {
    stats.chat++;
    const prompt = (body.messages ?? []).map((m) => m.content).join("\n");
    if (prompt.includes(BAD_REQUEST_MARKER)) {
      stats.badRequests.set(prompt, (stats.badRequests.get(prompt) ?? 0) + 1);
      return error(res, 400, "this request is malformed (test marker)");
    }
    if (options.burst429 && burstLeft === 0 && stats.chat % options.burst429.every === 0) burstLeft = options.burst429.length;
    if (burstLeft > 0) {
      burstLeft--;
      return error(res, 429, "Too many requests", { "retry-after": String(options.burst429!.retryAfterS) });
    }
    if (body.model === undefined || !models.has(body.model)) return error(res, 404, `The model \`${body.model}\` does not exist.`);
    if (personality !== "transformers-serve" && body.top_logprobs !== undefined && !body.logprobs) return error(res, 400, "top_logprobs requires logprobs to be true");
    // `transformers serve` accepts logprobs and top_logprobs and returns none (HTTP 200, no logprobs field).
    const logprobs = personality !== "transformers-serve" && body.logprobs === true;
    const wantTop = logprobs ? (body.top_logprobs ?? 0) : 0;
    if (personality === "tgi" && wantTop > 5) return send(res, 422, { error: "Input validation error: `top_n_tokens` must be <= 5", error_type: "validation" });
    if (wantTop > 20) return error(res, 400, "top_logprobs must be at most 20");
    const roll = rng();
    if (roll < (options.errorRate ?? 0)) return error(res, [500, 502, 503][Math.floor(rng() * 3)]!, "injected server error");
    if (roll < (options.errorRate ?? 0) + (options.timeoutRate ?? 0)) {
      await sleep(options.hangMs ?? 60_000, undefined, { signal }).catch(() => undefined);
      if (!res.writableEnded && !signal.aborted) error(res, 504, "hung request gave up");
      return;
    }
    if (roll < (options.errorRate ?? 0) + (options.timeoutRate ?? 0) + (options.malformedRate ?? 0)) {
      const bad = MALFORMED_BODIES[stats.malformed++ % MALFORMED_BODIES.length]!;
      res.writeHead(200, { "content-type": bad.type });
      res.end(bad.body);
      return;
    }
    // Wait for a slot (a rate-limited API refuses instead), then take latency.
    if (active >= slots && personality === "rate-limited-api") return error(res, 429, "Rate limit reached: too many requests in flight", { "retry-after": String(options.retryAfterS ?? 1) });
    if (active >= slots) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      await sleep(options.latencyMs ?? 0);
    } finally {
      active--;
      waiting.shift()?.();
    }
    if (signal.aborted) return;
    const n = personality === "vllm" || personality === "rate-limited-api" ? Math.max(1, body.n ?? 1) : 1;
    const maxTokens = body.max_tokens ?? body.max_completion_tokens ?? 16;
    const top = Math.min(wantTop, 20);
    const choices = Array.from({ length: n }, (_, i) => {
      const salt = hash(body.model, body.messages, body.seed ?? null, i, body.seed === undefined ? rng() : 0);
      let content: string;
      let logprobsOut: unknown = null;
      if (maxTokens <= 1) {
        const dist = firstTokenDistribution(prompt, hash(prompt)).sort((a, b) => b.p - a.p);
        content = dist[0]!.token;
        if (logprobs) {
          logprobsOut = { content: [{ ...tokenEntry(content, Math.log(dist[0]!.p)), top_logprobs: dist.slice(0, top).map((d) => tokenEntry(d.token, Math.log(d.p))) }] };
        }
      } else if (JUDGE_PROMPT.test(prompt)) {
        // A judge asked for a few tokens (sampled, on a server without logprobs): a rating drawn from its
        // distribution over first tokens, so repeated answers vary as a sampled judge's do.
        const dist = firstTokenDistribution(prompt, hash(prompt));
        let u = seededRandom(salt)() * dist.reduce((a, d) => a + d.p, 0);
        content = dist.find((d) => (u -= d.p) <= 0)?.token ?? dist[0]!.token;
      } else {
        if (options.capsProbability) {
          const system = body.messages?.find((m) => m.role === "system")?.content ?? null;
          const text = answerText("policy", prompt.replace(/[^a-z ]/gi, ""), salt).toLowerCase();
          content = seededRandom(salt)() < options.capsProbability(body.model!, system) ? text.toUpperCase() : text;
        } else content = answerText(body.model!, prompt, salt);
        if (logprobs) {
          const first = content.split(" ")[0]!;
          logprobsOut = { content: [{ ...tokenEntry(first, -0.05), top_logprobs: Array.from({ length: top }, (_, k) => tokenEntry(k === 0 ? first : `alt${k}`, k === 0 ? -0.05 : -3 - k)) }] };
        }
      }
      return { index: i, message: { role: "assistant", content }, logprobs: logprobsOut, finish_reason: maxTokens <= 1 ? "length" : "stop" };
    });
    stats.ok++;
    stats.byModel[body.model!] = (stats.byModel[body.model!] ?? 0) + 1;
    send(res, 200, {
      id: `chatcmpl-${hash(prompt, stats.chat).toString(16)}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices,
      usage: { prompt_tokens: Math.ceil(prompt.length / 4), completion_tokens: choices.reduce((a, c) => a + Math.ceil(c.message.content.length / 4), 0), total_tokens: 0 },
    });
  }

  const server = createServer(async (req, res) => {
    stats.requests++;
    inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    try {
      const url = new URL(req.url ?? "/", "http://stand-in");
      if (req.method === "GET" && (url.pathname === "/health" || url.pathname === "/v1/models")) {
        if (url.pathname === "/health") return send(res, 200, "ok");
        return send(res, 200, { object: "list", data: [...models].map((id) => ({ id, object: "model", owned_by: "stand-in" })) });
      }
      if (req.method !== "POST") return error(res, 404, "not found");
      let body: unknown;
      try {
        body = await readBody(req);
      } catch {
        return error(res, 400, "body is not JSON");
      }
      if (url.pathname === "/v1/chat/completions") return await chat(body as ChatBody, res, abort.signal);
      if (personality === "vllm" && url.pathname === "/v1/load_lora_adapter") {
        const { lora_name, lora_path } = body as { lora_name?: string; lora_path?: string };
        if (!lora_name || !lora_path) return send(res, 400, "lora_name and lora_path are required");
        if (models.has(lora_name)) return send(res, 400, `The lora adapter '${lora_name}' has already been loaded.`);
        models.add(lora_name);
        stats.loads.push(lora_name);
        return send(res, 200, `Success: LoRA adapter '${lora_name}' added successfully.`);
      }
      if (personality === "vllm" && url.pathname === "/v1/unload_lora_adapter") {
        const { lora_name } = body as { lora_name?: string };
        if (!lora_name || !models.has(lora_name)) return send(res, 404, `The lora adapter '${lora_name}' cannot be found.`);
        models.delete(lora_name);
        stats.unloads.push(lora_name);
        return send(res, 200, `Success: LoRA adapter '${lora_name}' removed successfully.`);
      }
      return error(res, 404, "not found");
    } finally {
      inFlight--;
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// Run as a program (serve-command tests, benchmarks): node standInServer.js --port N [--personality P] [--latency MS] [--slots N] [--retry-after S] [--model NAME]...
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!) && process.argv.includes("--port")) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const modelsArg = process.argv.flatMap((a, i) => (a === "--model" ? [process.argv[i + 1]!] : []));
  const s = await startStandIn({
    port: Number(arg("port")),
    personality: (arg("personality") as Personality) ?? "vllm",
    latencyMs: Number(arg("latency") ?? 0),
    slots: arg("slots") === undefined ? undefined : Number(arg("slots")),
    retryAfterS: arg("retry-after") === undefined ? undefined : Number(arg("retry-after")),
    models: modelsArg.length ? modelsArg : undefined,
  });
  process.stdout.write(`listening on ${s.port}\n`);
  const stop = () => void s.close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
