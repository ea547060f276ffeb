// The core in a worker thread: SQLite, file scans and JSON parsing never run on Electron's main (UI) thread.
// Messages in: {id, method, args}; out: {id, result} | {id, error} | {event}.
import { parentPort, workerData } from "node:worker_threads";
import type { ApiMethodName } from "../../shared/apiMethods.js";
import { Core, type CoreOptions } from "../core/core.js";

const core = new Core(workerData as CoreOptions);
core.start();
core.onEvent((event) => parentPort!.postMessage({ event }));
parentPort!.on("message", async (msg: { id: number; method: ApiMethodName; args: unknown } | { close: true }) => {
  if ("close" in msg) {
    await core.close();
    parentPort!.postMessage({ closed: true });
    return;
  }
  try {
    parentPort!.postMessage({ id: msg.id, result: await core.call(msg.method, msg.args) });
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, error: (err as Error).message });
  }
});
