// One inference server per checkpoint, started from a user's command template ({checkpoint}, {port}), waited on
// until healthy, probed, and always stopped: after the probe, on errors, and when Driftscope itself is interrupted.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { OpenAiBackend } from "./openai.js";
import { z } from "zod";
import { httpFields } from "./fields.js";
import { defineBackendKind } from "./kind.js";
import { fillModelTemplate, type CheckpointTarget, type Prepared } from "./types.js";

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Stops every server this process started; runs on exit and on SIGINT/SIGTERM. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = () => {
    for (const child of running) killTree(child, "SIGKILL");
  };
  process.on("exit", killAll);
}

function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, signal); // the whole process group: shells start the real server as a child
  } catch {
    child.kill(signal);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === "object" && addr ? addr.port : 0));
    });
  });
}

export class ServeCommandBackend extends OpenAiBackend {
  override readonly kind = "serve-command";

  constructor(override readonly config: ServeCommandConfig) {
    super(config, ["http://127.0.0.1:0"]);
  }

  override async prepare(target: CheckpointTarget | null): Promise<Prepared> {
    if (!target) throw new Error(`backend "${this.name}" (serve-command) starts a server per checkpoint; name a checkpoint`);
    installExitHook();
    const port = await freePort();
    const command = this.config.command.replaceAll("{checkpoint}", target.path).replaceAll("{port}", String(port));
    const child = spawn(command, { shell: true, stdio: ["ignore", "ignore", "pipe"], detached: true });
    running.add(child);
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        killTree(child, "SIGTERM");
        const exited = new Promise((r) => child.once("exit", r));
        const killed = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
        if (!killed) killTree(child, "SIGKILL");
      }
      running.delete(child);
    };
    const base = `http://127.0.0.1:${port}`;
    this.setUrls([base]);
    try {
      await this.waitHealthy(base, child, () => stderr);
    } catch (err) {
      await stop();
      throw err;
    }
    return { model: fillModelTemplate(this.config.model, target), release: stop };
  }

  private async waitHealthy(base: string, child: ChildProcess, stderr: () => string): Promise<void> {
    const deadline = Date.now() + this.config.startupTimeoutMs;
    const paths = healthPaths(this.config.healthPath);
    const answers = new Map<string, string>();
    for (let delay = 50; Date.now() < deadline; delay = Math.min(delay * 2, 1000)) {
      if (child.exitCode !== null) throw new Error(`backend "${this.name}": the server command exited with code ${child.exitCode} before it was healthy. Its last output: ${stderr().trim() || "(none)"}`);
      for (const path of paths) {
        let verdict: HealthVerdict;
        try {
          const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(2000) });
          verdict = healthVerdict(res.status);
          answers.set(path, `HTTP ${res.status}${res.ok ? "" : `: ${(await res.text().catch(() => "")).replace(/\s+/g, " ").trim().slice(0, 120)}`}`);
        } catch (err) {
          answers.set(path, `no answer (${(err as Error).message})`);
          break; // not listening yet: no other path will answer either
        }
        if (verdict === "healthy") return;
        if (verdict === "wait") break;
      }
      await sleep(delay);
    }
    const tried = paths.map((p) => `${p} (${answers.get(p) ?? "not tried"})`).join(", ");
    throw new Error(`backend "${this.name}": the server did not become healthy within ${this.config.startupTimeoutMs} ms; tried ${tried}`);
  }
}

/** The default health paths, after a configured one: /health (vLLM, SGLang, llama.cpp, TGI, transformers serve), then /v1/models. */
export const DEFAULT_HEALTH_PATHS = ["/health", "/v1/models"];

export function healthPaths(configured: string | undefined): string[] {
  return [...new Set([...(configured ? [configured] : []), ...DEFAULT_HEALTH_PATHS])];
}

export type HealthVerdict = "healthy" | "next" | "wait";

/**
 * What a health path's answer means: any 2xx is healthy; 404 (no such path) or 500 (transformers serve's
 * /v1/models without a Hugging Face cache) say nothing about readiness, so the next path is asked; anything else
 * (503 while the model loads) means wait.
 */
export function healthVerdict(status: number): HealthVerdict {
  if (status >= 200 && status < 300) return "healthy";
  if (status === 404 || status === 500) return "next";
  return "wait";
}

export const serveCommandSchema = z.strictObject({
  kind: z.literal("serve-command"),
  ...httpFields,
  command: z.string().min(1).meta({ title: "Server command", description: "started per checkpoint; {checkpoint} and {port} are replaced" }),
  healthPath: z.string().startsWith("/").optional().meta({ title: "Health path", description: "polled until it answers 2xx, before /health and /v1/models (asked next when a path answers 404 or 500)" }),
  startupTimeoutMs: z.number().int().min(100).default(300_000).meta({ title: "Start-up timeout (ms)", description: "how long the server may take to become healthy" }),
});

export type ServeCommandConfig = z.output<typeof serveCommandSchema>;

export const serveCommandKind = defineBackendKind({
  kind: "serve-command",
  schema: serveCommandSchema,
  label: "A server per checkpoint",
  description: "starts your server command for each full checkpoint, waits until healthy, probes, and always stops it",
  create: (config) => new ServeCommandBackend(config),
});
