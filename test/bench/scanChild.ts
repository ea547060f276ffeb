// One cold measurement of the scan benchmark, in a fresh Node process (nothing compiled or optimised yet, as in a
// `driftscope watch --once`): `stat ROOT` times the raw recursive stat; `poll ROOT DB` opens a new workspace at DB,
// registers the run, then times its first poll. Prints the milliseconds as JSON on stdout.
import { RunPoller } from "../../main/core/runs/poller.js";
import { Store } from "../../main/core/store/store.js";
import { parallelRecursiveStat } from "./rawStat.js";

const [mode, root, db] = process.argv.slice(2);
if (mode === "stat" && root) {
  const t = performance.now();
  await parallelRecursiveStat(root);
  console.log(JSON.stringify({ ms: performance.now() - t }));
} else if (mode === "poll" && root && db) {
  const store = Store.open(db);
  const run = store.runs.registerRun({ path: root });
  const poller = new RunPoller(store, run.id, { quietPeriodMs: 10_000 });
  const t = performance.now();
  await poller.poll();
  const ms = performance.now() - t;
  store.close();
  console.log(JSON.stringify({ ms }));
} else {
  console.error("usage: scanChild stat ROOT | scanChild poll ROOT DB");
  process.exit(2);
}
