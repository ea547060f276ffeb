// The page's first questions (Chromium against `driftscope serve`): the run list, and for the drift view's small
// multiples its traits and series, are asked once each as the page starts, and the view takes those answers instead
// of asking again. A view the prefetch does not cover (the overlay) asks for itself, once.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Page } from "playwright-core";
import { needsChromium, servedDemoRuns } from "../support/browser.js";

describe("the page's first questions", { skip: needsChromium() }, () => {
  const session = servedDemoRuns("driftscope-e2e-start-", 40);

  /** Opens the page at `fragment` and counts the API calls it makes until the drift view has drawn. */
  async function calls(fragment: string): Promise<{ counts: Map<string, number>; page: Page; errors: string[] }> {
    const page = await session.browser().newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const counts = new Map<string, number>();
    page.on("request", (r) => {
      const m = /\/api\/(\w+)/.exec(new URL(r.url()).pathname);
      if (m) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
    });
    await page.goto(session.server().url.replace(/#.*$/, "") + fragment);
    await page.locator("canvas.series-layer[data-series-count]").first().waitFor();
    await page.waitForTimeout(500); // anything asked after the first drawing is asked by now
    return { counts, page, errors };
  }

  test("small multiples: the run list, traits and series are each asked once, and the view draws from them", async () => {
    const { counts, page, errors } = await calls("#drift");
    assert.equal(counts.get("listRuns"), 1, JSON.stringify([...counts]));
    assert.equal(counts.get("listTraits"), 1, JSON.stringify([...counts]));
    assert.equal(counts.get("getDriftSeries"), 1, `the view took the early answer: ${JSON.stringify([...counts])}`);
    // Asked by the prefetch, and taken by the view (not asked by the view alone).
    const marks = await page.evaluate(() => performance.getEntriesByType("mark").filter((m) => m.name.startsWith("driftscope:prefetch-")).map((m) => `${m.name.slice("driftscope:prefetch-".length)} ${(m as unknown as { detail: { method: string } }).detail.method}`));
    assert.deepEqual(marks.sort(), ["asked getDriftSeries", "asked listTraits", "taken getDriftSeries", "taken listTraits"]);
    // Drawn from it: every trait's panel holds both runs' lines.
    assert.ok((await page.locator('canvas.series-layer[data-series-count="2"]').count()) >= 3);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("the overlay (not prefetched): the view asks for its series itself, once", async () => {
    const { counts, page, errors } = await calls("#drift?layout=overlay");
    assert.equal(counts.get("listRuns"), 1);
    assert.equal(counts.get("getDriftSeries"), 1, JSON.stringify([...counts]));
    assert.equal(await page.evaluate(() => performance.getEntriesByName("driftscope:prefetch-asked").length), 0, "nothing asked early for the overlay");
    assert.deepEqual(errors, []);
    await page.close();
  });
});
