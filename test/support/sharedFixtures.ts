// The real files in ../shared/fixtures, read in place (never copied into the project).
// Tests that need them skip with a clear message when ../shared is not beside the checkout.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The project root, from dist/test/support/ or test/support/. */
export const PROJECT_ROOT = resolve(fileURLToPath(import.meta.url), "..", "..", "..", ...(import.meta.url.includes("/dist/") ? [".."] : []));
export const SHARED_FIXTURES = process.env.DRIFTSCOPE_SHARED_FIXTURES ?? resolve(PROJECT_ROOT, "..", "shared", "fixtures");

export function fixture(rel: string): string {
  return join(SHARED_FIXTURES, rel);
}

/** For node:test's `skip` option: false when the fixture is there, else the reason. */
export function needsFixture(rel: string): false | string {
  return existsSync(fixture(rel)) ? false : `needs ../shared/fixtures/${rel} (the shared reference folder is not beside this checkout)`;
}
