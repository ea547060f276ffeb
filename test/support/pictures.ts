// Pictures compared with reference images under test/pictures at a stated tolerance (pixelmatch), so a blank or
// garbled chart fails where checks of size or ink would pass. UPDATE_PICTURES=1 rewrites a reference (the only way
// one changes); on a mismatch the actual image and a diff are left in test-artifacts/ to look at.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pixelmatch from "pixelmatch";
import { PNG } from "pngjs";
import { PROJECT_ROOT } from "./sharedFixtures.js";

const PICTURES = join(PROJECT_ROOT, "test", "pictures");
const ARTIFACTS = join(PROJECT_ROOT, "test-artifacts");

export interface PictureTolerance {
  /** pixelmatch's per-pixel colour threshold (0..1): how different a pixel must be to count. */
  threshold: number;
  /** The share of the image's pixels that may differ. */
  maxDiffShare: number;
}

/** For images drawn by our own renderer with bundled fonts (resvg): only anti-aliasing may differ. */
export const EXACT_RENDER: PictureTolerance = { threshold: 0.1, maxDiffShare: 0.002 };
/** For Chromium screenshots: text anti-aliasing and sub-pixel placement may differ a little between runs. */
export const SCREENSHOT: PictureTolerance = { threshold: 0.15, maxDiffShare: 0.01 };

/** How many pixels of a and b differ at the tolerance's threshold (images of the same size). */
export function differingPixels(a: PNG, b: PNG, threshold: number, diff?: PNG): number {
  return pixelmatch(a.data, b.data, diff?.data, a.width, a.height, { threshold, includeAA: false });
}

export function matchesPicture(name: string, png: Buffer, tolerance: PictureTolerance): void {
  const file = join(PICTURES, `${name}.png`);
  if (process.env.UPDATE_PICTURES === "1") {
    mkdirSync(PICTURES, { recursive: true });
    writeFileSync(file, png);
  }
  assert.ok(existsSync(file), `no reference picture ${file} (run the tests with UPDATE_PICTURES=1, then look at it before committing)`);
  const actual = PNG.sync.read(png);
  const expected = PNG.sync.read(readFileSync(file));
  assert.deepEqual([actual.width, actual.height], [expected.width, expected.height], `${name}: the picture is ${actual.width} x ${actual.height}, its reference ${expected.width} x ${expected.height}`);
  const diff = new PNG({ width: actual.width, height: actual.height });
  const n = differingPixels(actual, expected, tolerance.threshold, diff);
  const share = n / (actual.width * actual.height);
  if (share > tolerance.maxDiffShare) {
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, `${name}.actual.png`), png);
    writeFileSync(join(ARTIFACTS, `${name}.diff.png`), PNG.sync.write(diff));
  }
  assert.ok(share <= tolerance.maxDiffShare, `${name}: ${(share * 100).toFixed(2)}% of the pixels differ from the reference (at most ${(tolerance.maxDiffShare * 100).toFixed(2)}%); see test-artifacts/${name}.diff.png`);
}

/**
 * A screenshot taken once two in a row are the same bytes (at most `tries` shots), so a view still filling in is not
 * compared half-drawn; as Playwright's own toHaveScreenshot does.
 */
export async function stableScreenshot(target: { screenshot(o: { animations: "disabled" }): Promise<Buffer> }, tries = 10): Promise<Buffer> {
  let last = await target.screenshot({ animations: "disabled" });
  for (let i = 1; i < tries; i++) {
    await new Promise((r) => setTimeout(r, 150));
    const next = await target.screenshot({ animations: "disabled" });
    if (next.equals(last)) return next;
    last = next;
  }
  return last;
}
