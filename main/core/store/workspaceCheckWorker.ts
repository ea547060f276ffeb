// SQLite's quick check of a workspace on its own read-only connection, off the thread that answers the app: over a
// large workspace it reads every page (about 2.7 s for 1 GB here), and the app's first chart should not wait for it.
// In: workerData {path}; out: {problems: string[]} (empty when sound) or {error: string}.
import Database from "better-sqlite3";
import { parentPort, workerData } from "node:worker_threads";

const { path } = workerData as { path: string };
try {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    db.pragma("busy_timeout = 5000");
    const rows = db.pragma("quick_check(5)") as { quick_check: string }[];
    parentPort!.postMessage({ problems: rows.map((r) => r.quick_check).filter((m) => m !== "ok") });
  } finally {
    db.close();
  }
} catch (err) {
  parentPort!.postMessage({ error: err instanceof Error ? err.message : String(err) });
}
