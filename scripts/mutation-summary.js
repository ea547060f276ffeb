// Prints the mutation score per module from Stryker's JSON reports (reports/mutation/mutation.json and resume.json,
// the two parts of `npm run mutate`), and every mutant that survived or was never covered, by file and line.
import { existsSync, readFileSync } from "node:fs";

const MODULES = [
  ["scorers", (p) => p.startsWith("main/core/probes/scorers/")],
  ["aggregation", (p) => p === "main/core/probes/aggregate.ts"],
  ["completeness rule and poller", (p) => p === "main/core/runs/poller.ts"],
  ["serve-mode security", (p) => p === "main/server/security.ts"],
  ["Electron policy", (p) => p === "main/electron/policy.ts"],
  ["sample deduplication and resume", (p) => p === "main/core/store/probeStore.ts" || p === "main/core/schedule/prober.ts"],
];
const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);

const reports = (process.argv.length > 2 ? process.argv.slice(2) : ["reports/mutation/mutation.json", "reports/mutation/resume.json"]).filter((f) => existsSync(f));
if (reports.length === 0) throw new Error("no mutation report: run npm run mutate");
const report = { files: Object.assign({}, ...reports.map((f) => JSON.parse(readFileSync(f, "utf8")).files)) };
let failed = false;
for (const [name, matches] of MODULES) {
  let detected = 0;
  let undetected = 0;
  const left = [];
  for (const [path, file] of Object.entries(report.files)) {
    if (!matches(path)) continue;
    for (const m of file.mutants) {
      if (DETECTED.has(m.status)) detected++;
      else if (UNDETECTED.has(m.status)) {
        undetected++;
        left.push(`    ${path}:${m.location.start.line} ${m.status.toLowerCase()}: ${m.mutatorName}${m.replacement ? ` -> ${JSON.stringify(m.replacement).slice(0, 80)}` : ""}`);
      }
    }
  }
  const total = detected + undetected;
  const score = total === 0 ? null : (100 * detected) / total;
  if (score !== null && score < 80) failed = true;
  console.log(`${name}: ${score === null ? "no mutants" : `${score.toFixed(1)}%`} (${detected} of ${total} mutants detected)`);
  for (const line of left) console.log(line);
}
process.exit(failed ? 1 : 0);
