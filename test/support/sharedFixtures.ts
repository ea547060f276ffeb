// The real files in ../shared/fixtures, read in place (never copied into the project).
// Tests that need them skip with a clear message when ../shared is not beside the checkout, except under CI
// (CI=true), where a missing fixture is a failure: CI has ../shared beside it, so a skip there would hide a test.
import { existsSync } from "node:fs";
import { test } from "node:test";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The project root, from dist/test/support/ or test/support/. */
export const PROJECT_ROOT = resolve(fileURLToPath(import.meta.url), "..", "..", "..", ...(import.meta.url.includes("/dist/") ? [".."] : []));
export const SHARED_FIXTURES = process.env.DRIFTSCOPE_SHARED_FIXTURES ?? resolve(PROJECT_ROOT, "..", "shared", "fixtures");

export function fixture(rel: string): string {
  return join(SHARED_FIXTURES, rel);
}

const reportedMissing = new Set<string>();

/**
 * For node:test's `skip` option: false when the fixture is there, else the reason. Under CI=true the test still
 * skips, and a test that fails with the reason is added in its place (once per fixture and file).
 */
export function needsFixture(rel: string): false | string {
  if (existsSync(fixture(rel))) return false;
  const reason = `needs ../shared/fixtures/${rel} (the shared reference folder is not beside this checkout)`;
  if (process.env.CI === "true" && !reportedMissing.has(rel)) {
    reportedMissing.add(rel);
    test(`fixture ../shared/fixtures/${rel} is present`, () => {
      throw new Error(`${reason}; with CI=true a missing fixture fails the tests instead of skipping them`);
    });
  }
  return reason;
}
