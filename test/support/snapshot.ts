// SVG snapshots under test/snapshots, with numbers normalised (as Observable Plot's tests do).
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "./sharedFixtures.js";

const SNAPSHOTS = join(PROJECT_ROOT, "test", "snapshots");

/** Rounds every number with two or more decimals to one place, so a last-digit float difference does not fail a snapshot. */
function normalise(svg: string): string {
  return svg.replace(/-?\d+\.\d{2,}/g, (m) => {
    const r = Number(Number(m).toFixed(1));
    return String(Object.is(r, -0) ? 0 : r);
  });
}

/** Compares with test/snapshots/NAME.svg; UPDATE_SNAPSHOTS=1 rewrites it. A missing snapshot fails. */
export function matchesSnapshot(name: string, svg: string): void {
  const file = join(SNAPSHOTS, `${name}.svg`);
  const actual = normalise(svg);
  if (process.env.UPDATE_SNAPSHOTS === "1") {
    mkdirSync(SNAPSHOTS, { recursive: true });
    writeFileSync(file, actual);
  }
  assert.ok(existsSync(file), `no snapshot ${file} (run the tests once with UPDATE_SNAPSHOTS=1 and look at it)`);
  assert.equal(actual, readFileSync(file, "utf8"), `${name}.svg differs from its snapshot`);
}

