// Runs every compiled test file under dist/test with Node's own test runner.
// Node 20's `--test` does not expand globs itself, so the file list is gathered here.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

function collect(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...collect(full));
    else if (entry.name.endsWith(".test.js")) out.push(full);
  }
  return out;
}

const filter = process.argv[2];
const files = collect("dist/test").filter((f) => !filter || f.includes(filter)).sort();
if (files.length === 0) {
  console.error("run-tests: no test files found under dist/test");
  process.exit(1);
}
const result = spawnSync(process.execPath, ["--test", "--test-concurrency=2", ...files], { stdio: "inherit" });
process.exit(result.status ?? 1);
