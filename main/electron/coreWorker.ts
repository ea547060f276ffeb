// The core in a worker thread: SQLite, file scans and JSON parsing never run on Electron's main (UI) thread.
// Messages in: {id, method, args}; out: {id, result} | {id, error} | {event}.
import { parentPort, workerData } from "node:worker_threads";
import type { ApiMethodName } from "../../shared/apiMethods.js";
import { Core, type CoreOptions } from "../core/index.js";

const core = new Core(workerData as CoreOptions);
core.start();
void core.warmUp();
core.onEvent((event) => parentPort!.postMessage({ event }));
type Message =
  | { id: number; method: ApiMethodName; args: unknown }
  | { id: number; op: "setSealedKey"; name: string; sealed: Uint8Array }
  | { id: number; op: "sealedKeys" }
  | { close: true };

parentPort!.on("message", async (msg: Message) => {
  if ("close" in msg) {
    await core.close();
    parentPort!.postMessage({ closed: true });
    return;
  }
  // Desktop-only operations on sealed API keys; the renderer's contract has no way to read them.
  if ("op" in msg) {
    // A write: it waits for the workspace's deferred check, as the contract's writing calls do.
    await core.ready;
    if (msg.op === "setSealedKey") core.setSealedKey(msg.name, Buffer.from(msg.sealed));
    parentPort!.postMessage({ id: msg.id, result: msg.op === "sealedKeys" ? core.sealedKeys() : null });
    return;
  }
  try {
    parentPort!.postMessage({ id: msg.id, result: await core.call(msg.method, msg.args) });
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, error: (err as Error).message });
  }
});
