// Drives RunPoller with a clock that can be moved forward, so quiet periods pass without waiting.
import { join } from "node:path";
import type { TestContext } from "node:test";
import { RunPoller } from "../../main/core/runs/poller.js";
import { Store } from "../../main/core/store/store.js";
import { tempDir } from "./tmp.js";

export const QUIET = 10_000;

export interface Harness {
  store: Store;
  root: string;
  runId: number;
  problems: { path: string; message: string }[];
  /** Polls as if `laterMs` had passed since now. */
  poll(laterMs?: number): ReturnType<RunPoller["poll"]>;
  states(): Record<number, string>;
}

export function harness(t: TestContext, formatSetting = "auto", root?: string): Harness {
  const dir = tempDir(t);
  const runRoot = root ?? join(dir, "run");
  const store = Store.open(join(dir, "w.db"));
  t.after(() => store.close());
  const run = store.runs.registerRun({ path: runRoot, formatSetting });
  const problems: Harness["problems"] = [];
  return {
    store,
    root: runRoot,
    runId: run.id,
    problems,
    poll(laterMs = 0) {
      const poller = new RunPoller(store, run.id, { quietPeriodMs: QUIET, now: () => Date.now() + laterMs, onProblem: (path, message) => problems.push({ path, message }) });
      return poller.poll();
    },
    states() {
      return Object.fromEntries(store.runs.listCheckpoints(run.id).map((c) => [c.step, c.state]));
    },
  };
}
