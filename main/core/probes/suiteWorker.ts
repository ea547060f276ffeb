// Suite parsing in a worker thread, for large inputs: YAML parsing and schema checks of megabytes take long enough
// to stall serve mode's other clients if done on the server's thread.
import { parentPort, workerData } from "node:worker_threads";
import { parseSuite, SuiteError } from "./suiteLoader.js";

const { name, text } = workerData as { name: string; text: string };
try {
  parentPort!.postMessage({ ok: true, loaded: parseSuite(name, text) });
} catch (err) {
  if (err instanceof SuiteError) parentPort!.postMessage({ ok: false, problems: err.problems });
  else parentPort!.postMessage({ ok: false, problems: [{ file: name, line: 1, column: 1, at: "", message: (err as Error).message.split("\n")[0] }] });
}
