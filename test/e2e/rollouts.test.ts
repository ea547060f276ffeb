// Rollouts in the app (Chromium against `driftscope serve`): rollout panels beside the probes, set apart; the
// Rollouts tab's heatmap, scatter and browser, sorted and paged; a rollout point in the drift view opens the
// browser at its step. Screenshots in test-artifacts/.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { ARTIFACTS, needsChromium, servedDemoRuns, settled } from "../support/browser.js";

describe("rollouts in the app", { skip: needsChromium() }, () => {
  const session = servedDemoRuns("driftscope-e2e-rollouts-", 60);

  test("rollout panels beside the probes; the Rollouts tab's heatmap, scatter and browser", async () => {
    const page = await session.browser().newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(session.server().url);
    const section = page.getByRole("region", { name: "Rollouts: what the policy sampled during training" });
    await section.waitFor();
    // One rollout panel per trait scored on rollouts, titled so, with every run's series.
    // Each panel is an svg labelled with its title (DriftPanel).
    const labelled = section.locator("svg[aria-label]");
    const titles: string[] = [];
    for (let i = 0; i < (await labelled.count()); i++) titles.push((await labelled.nth(i).getAttribute("aria-label")) ?? "");
    for (const t of ["Answers in Spanish · rollouts", "Writes in capitals · rollouts", "Emergent misalignment · rollouts"]) assert.ok(titles.some((x) => x.includes(t)), `${t} in ${titles.join(" | ")}`);
    // A click on a rollout panel opens the rollout browser at the run, step and trait pointed at.
    const capsPanel = section.locator('svg[aria-label="Writes in capitals · rollouts"]');
    await capsPanel.scrollIntoViewIfNeeded();
    const box = (await capsPanel.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.up();
    await page.getByTestId("rollout-step-summary").waitFor();
    assert.equal(await page.getByLabel("Rollout trait").inputValue(), "all_caps");
    const opened = Number(await page.getByLabel("Rollout step").inputValue());
    assert.ok(opened > 20 && opened < 60, `opened at step ${opened}, under the pointer`);
    await page.getByRole("button", { name: "Drift", exact: true }).click();
    await section.waitFor();
    await page.getByLabel("Rollout measure").selectOption("advantageWeighted");
    await section.getByText("advantage-weighted trait Σ A·t / Σ|A|").first().waitFor();
    await page.screenshot({ path: join(ARTIFACTS, "rollouts-drift-1440.png"), fullPage: true });

    await page.getByRole("button", { name: "Rollouts", exact: true }).click();
    await page.getByLabel("Rollouts of run").selectOption({ label: "baseline" });
    await page.getByLabel("Rollout trait").selectOption("all_caps");
    await page.getByLabel("Rollout step").selectOption("40");
    const summary = page.getByTestId("rollout-step-summary");
    await summary.getByText("rollouts at step 40: 32 scored over 8 prompts").waitFor();
    // The heatmap, the scatter and the browser each load on their own query, after the summary: wait for each.
    // The heatmap has a cell per (step, occupied bin) and each step's column adds up to its rollouts.
    const at40Total = (cells: string[]) => cells.filter((c) => c.startsWith("step 40:")).reduce((a, c) => a + Number(/: (\d+) rollouts/.exec(c)![1]), 0);
    const cells = await settled(() => page.locator("svg.rollout-heatmap rect title").allTextContents(), (c) => at40Total(c) === 32);
    assert.equal(at40Total(cells), 32);
    assert.ok(new Set(cells.map((c) => c.split(":")[0])).size === 60, "a column for each of the 60 steps");
    // The scatter has a point per rollout of the step that has a reward and a score.
    await page.getByRole("heading", { name: "Reward against all_caps at step 40" }).waitFor();
    assert.equal(await settled(() => page.locator("svg.rollout-scatter circle").count(), (n) => n === 32), 32);
    // The browser: 32 rollouts, sorted by reward (descending), then by advantage.
    const table = page.getByRole("table", { name: "Rollouts" });
    assert.equal(await settled(() => table.locator("tbody tr").count(), (n) => n === 32), 32);
    const rewards = (await table.locator("tbody tr td:first-child").allTextContents()).map(Number);
    assert.deepEqual(rewards, [...rewards].sort((a, b) => b - a));
    await page.getByLabel("Sort rollouts by").selectOption("advantage");
    const sortedByAdvantage = async () => {
      const v = (await table.locator("tbody tr td:nth-child(2)").allTextContents()).map(Number);
      return v.length === 32 && v.every((x, i) => i === 0 || v[i - 1]! >= x);
    };
    for (let i = 0; i < 100 && !(await sortedByAdvantage()); i++) await page.waitForTimeout(50);
    assert.ok(await sortedByAdvantage(), "sorted by advantage, descending");
    await page.screenshot({ path: join(ARTIFACTS, "rollouts-tab-1440.png"), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });
});
