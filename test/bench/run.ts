// `npm run bench`: every benchmark, each reported as a ratio to a baseline measured in the same run.
import { report, type Figure } from "./harness.js";
import { logHistoryBench } from "./logHistoryBench.js";
import { probeThroughputBench, sampleWriteBench } from "./probeBench.js";
import { scanBench } from "./scanBench.js";
import { uiBench } from "./uiBench.js";
import { exportBench } from "./exportBench.js";
import { effectsBench } from "./effectsBench.js";
import { rolloutsBench } from "./rolloutsBench.js";
import { idleBench } from "./idleBench.js";

const only = process.argv[2];
const benches: [string, () => Promise<Figure[]>][] = [
  ["scan", scanBench],
  ["log_history", logHistoryBench],
  ["probe", probeThroughputBench],
  ["samples", sampleWriteBench],
  ["ui", uiBench],
  ["export", exportBench],
  ["effects", effectsBench],
  ["rollouts", rolloutsBench],
  ["idle", idleBench],
];
for (const [name, bench] of benches) {
  if (only && !name.includes(only)) continue;
  report(await bench());
}
