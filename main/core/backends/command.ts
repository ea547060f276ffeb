// A user program that speaks JSON lines on stdin/stdout (for custom stacks and activation-level probes).
// Protocol (also in the README): Driftscope writes one request per line,
//   {"id": 1, "method": "generate", "params": {"checkpoint": {...} | null, "model": "...", "messages": [...],
//    "n": 2, "temperature": 1, "top_p": 1, "max_tokens": 200, "seed": 0, "top_logprobs": 20}}
// and the program answers each on one line, in any order:
//   {"id": 1, "result": {"completions": [{"text": "...", "top_logprobs": [{"token": "7", "logprob": -0.1}]}]}}
//   {"id": 1, "error": {"message": "...", "retryable": false}}
// Also "prepare" / "release" with params {"checkpoint": {...}} (answer {"result": {"model": "..."}} / {"result": {}}),
// and "capabilities" (answer {"result": {"models": [...], "honoursN": true, "maxTopLogprobs": 20}}), and "project"
// (hidden states onto a persona vector; assets/workers/activation_worker.py documents it) for activation scorers.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { Semaphore } from "./semaphore.js";
import { z } from "zod";
import { commonFields, modelField } from "./fields.js";
import { defineBackendKind } from "./kind.js";
import { fillModelTemplate, type Backend, type Capabilities, type CheckpointTarget, type Completion, type GenerateRequest, type Prepared, type ProjectRequest, type Projection } from "./types.js";

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class CommandBackend implements Backend {
  readonly kind = "command";
  private child: ChildProcessWithoutNullStreams | null = null;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private readonly limiter: Semaphore;

  constructor(readonly config: CommandConfig) {
    this.limiter = new Semaphore(config.maxConcurrency);
  }

  get name(): string {
    return this.config.name;
  }

  get maxConcurrency(): number {
    return this.config.maxConcurrency;
  }

  private start(): ChildProcessWithoutNullStreams {
    if (this.child && this.child.exitCode === null) return this.child;
    const child = spawn(this.config.command, { shell: true, stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    createInterface({ input: child.stdout }).on("line", (line) => {
      let msg: { id?: number; result?: unknown; error?: { message?: string } };
      try {
        msg = JSON.parse(line);
      } catch {
        return; // not protocol output (a stray print); ignored
      }
      const p = msg.id === undefined ? undefined : this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id!);
      clearTimeout(p.timer);
      if (msg.error) p.reject(new Error(`backend "${this.name}": ${msg.error.message ?? "error"}`));
      else p.resolve(msg.result);
    });
    child.on("exit", (code) => {
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new Error(`backend "${this.name}": the command exited (code ${code}) with request ${id} unanswered. Its last output: ${stderr.trim() || "(none)"}`));
      }
      this.pending.clear();
    });
    this.child = child;
    return child;
  }

  private call<T>(method: string, params: unknown): Promise<T> {
    const child = this.start();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`backend "${this.name}": no answer to ${method} within ${this.config.timeoutMs} ms`));
      }, this.config.timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      child.stdin.write(JSON.stringify({ id, method, params }) + "\n");
    });
  }

  async prepare(target: CheckpointTarget | null): Promise<Prepared> {
    const fallback = fillModelTemplate(this.config.model, target);
    const res = await this.call<{ model?: string } | null>("prepare", { checkpoint: target, model: fallback }).catch(() => null);
    const model = res?.model ?? fallback;
    return { model, release: async () => void (await this.call("release", { checkpoint: target, model }).catch(() => undefined)) };
  }

  async generate(prepared: Prepared, req: GenerateRequest): Promise<Completion[]> {
    return this.limiter.run(async () => {
      const started = performance.now();
      const res = await this.call<{ completions?: { text?: string; top_logprobs?: { token: string; logprob: number }[]; tokens?: number }[] }>("generate", {
        model: prepared.model,
        messages: req.messages,
        n: req.n,
        temperature: req.temperature,
        top_p: req.topP,
        max_tokens: req.maxTokens,
        seed: req.seed,
        top_logprobs: req.topLogprobs,
      });
      const latencyMs = performance.now() - started;
      if (!Array.isArray(res?.completions)) throw new Error(`backend "${this.name}": a generate answer needs result.completions`);
      return res.completions.map((c) => ({ text: c.text ?? "", topLogprobs: c.top_logprobs, tokens: c.tokens, latencyMs }));
    });
  }

  async project(prepared: Prepared, req: ProjectRequest): Promise<Projection[]> {
    return this.limiter.run(async () => {
      const res = await this.call<{ projections?: { response_avg?: number | null; prompt_last?: number; base_prompt_last?: number | null }[]; versions?: Record<string, string> }>("project", {
        model: prepared.model,
        vector: req.vector,
        layer: req.layer,
        base: req.base,
        samples: req.samples,
      });
      const rows = res?.projections;
      if (!Array.isArray(rows) || rows.length !== req.samples.length) throw new Error(`backend "${this.name}": a project answer needs result.projections, one per sample (${req.samples.length})`);
      return rows.map((r, i) => {
        if (typeof r?.prompt_last !== "number") throw new Error(`backend "${this.name}": projection ${i} has no numeric prompt_last`);
        return { responseAvg: typeof r.response_avg === "number" ? r.response_avg : null, promptLast: r.prompt_last, basePromptLast: typeof r.base_prompt_last === "number" ? r.base_prompt_last : null, versions: res.versions ?? {} };
      });
    });
  }

  async detect(): Promise<Capabilities> {
    const res = await this.call<Partial<Capabilities>>("capabilities", {});
    return { models: res.models ?? [], honoursN: res.honoursN ?? true, maxTopLogprobs: res.maxTopLogprobs ?? 0, notes: [] };
  }

  async close(): Promise<void> {
    if (this.child && this.child.exitCode === null) {
      this.child.stdin.end();
      this.child.kill("SIGTERM");
    }
  }
}

export const commandSchema = z.strictObject({
  kind: z.literal("command"),
  ...commonFields,
  model: modelField,
  command: z.string().min(1).meta({ title: "Program", description: "run with a shell; speaks JSON lines on stdin/stdout (see the README)" }),
});

export type CommandConfig = z.output<typeof commandSchema>;

export const commandKind = defineBackendKind({
  kind: "command",
  schema: commandSchema,
  label: "A program speaking JSON lines",
  description: "your own program answering generate (and optionally prepare, release, capabilities) requests on stdin/stdout",
  create: (config) => new CommandBackend(config),
});
