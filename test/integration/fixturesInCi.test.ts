// Fixture tests skip with their reason when ../shared is missing, and fail under CI=true: run a real fixture test
// file with the fixtures pointed at an empty folder, both ways.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { PROJECT_ROOT } from "../support/sharedFixtures.js";
import { tempDir } from "../support/tmp.js";

const FILE = join(PROJECT_ROOT, "dist", "test", "unit", "safetensors.test.js");

function runWithout(t: Parameters<typeof tempDir>[0], ci: boolean) {
  const env: NodeJS.ProcessEnv = { ...process.env, DRIFTSCOPE_SHARED_FIXTURES: tempDir(t) };
  delete env.CI;
  delete env.NODE_TEST_CONTEXT; // set by the outer test runner; the inner one would then report to it, not print TAP
  if (ci) env.CI = "true";
  return spawnSync(process.execPath, ["--test", "--test-reporter=tap", FILE], { env, encoding: "utf8", timeout: 60_000 });
}

test("without ../shared a fixture test skips and says why", (t) => {
  const r = runWithout(t, false);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /# SKIP needs \.\.\/shared\/fixtures\//);
  assert.match(r.stdout, /# fail 0/);
});

test("with CI=true and no ../shared, the fixture tests fail with that reason", (t) => {
  const r = runWithout(t, true);
  assert.notEqual(r.status, 0);
  assert.match(r.stdout, /not ok \d+ - fixture \.\.\/shared\/fixtures\/\S+ is present/);
  assert.match(r.stdout, /with CI=true a missing fixture fails the tests instead of skipping them/);
});
