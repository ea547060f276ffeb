// The main process's handle on the core worker: typed calls, events, and a clean shutdown.
import { SHARE_ENV, Worker } from "node:worker_threads";
import type { ApiMethodName } from "../../shared/apiMethods.js";
import type { CoreEvent } from "../../shared/events.js";
import type { CoreOptions } from "../core/index.js";

export class CoreClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Set<(e: CoreEvent) => void>();

  constructor(options: CoreOptions) {
    // The worker shares this process's environment, where decrypted API keys are placed (see apiKeys.ts).
    this.worker = new Worker(new URL("./coreWorker.js", import.meta.url), { workerData: options, env: SHARE_ENV });
    this.worker.on("message", (msg: { id?: number; result?: unknown; error?: string; event?: CoreEvent }) => {
      if (msg.event) for (const l of this.listeners) l(msg.event);
      if (msg.id === undefined) return;
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.error !== undefined) p?.reject(new Error(msg.error));
      else p?.resolve(msg.result);
    });
    this.worker.on("error", (err) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    });
  }

  call(method: ApiMethodName, args: unknown): Promise<unknown> {
    return this.send({ method, args });
  }

  setSealedKey(name: string, sealed: Buffer): Promise<unknown> {
    return this.send({ op: "setSealedKey", name, sealed });
  }

  async sealedKeys(): Promise<{ name: string; sealed: Buffer }[]> {
    const rows = (await this.send({ op: "sealedKeys" })) as { name: string; sealed: Uint8Array }[];
    return rows.map((r) => ({ name: r.name, sealed: Buffer.from(r.sealed) }));
  }

  private send(message: Record<string, unknown>): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...message });
    });
  }

  onEvent(listener: (e: CoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 5000);
      this.worker.once("message", () => (clearTimeout(timer), resolve()));
      this.worker.postMessage({ close: true });
    });
    await this.worker.terminate();
  }
}
