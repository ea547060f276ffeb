// A new user's first run, in Chromium, with the UI only: a run folder written by `driftscope demo` is added, its
// form (opened by itself) is given the built-in inoculation suite and the demo backend, with a preview of what that
// asks per checkpoint, and after saving every checkpoint is probed and drawn.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { ARTIFACTS, browserSession, needsChromium, serve } from "../support/browser.js";
import { cli, cliJson } from "../support/cli.js";

describe("a new run set up in the app", { skip: needsChromium() }, () => {
  const session = browserSession("driftscope-e2e-newrun-");

  test("add a folder, pick the suite and backend with a preview, save: every checkpoint is probed and drawn", { timeout: 180_000 }, async () => {
    const [dir, browser] = [session.dir(), session.browser()];
    const db = join(dir, "w.db");
    assert.equal((await cli(["demo", "--dir", join(dir, "d"), "--steps", "60", "--save-every", "20", "--variant", "baseline", "--pace", "fast"])).status, 0);
    // A first run (not probed) so the app opens on its full layout, where runs are added in the sidebar.
    assert.equal((await cli(["watch", join(dir, "d", "baseline"), "--once", "--db", db, "--name", "first", "--quiet-period", "0.5", "--interval", "0.1"])).status, 0);
    const served = await serve(["--db", db, "--port", "0", "--interval", "0.3", "--quiet-period", "0.5"]);
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await page.goto(served.url);
      await page.getByTestId("no-scores").getByText(/not set to be probed/).waitFor();
      await page.getByRole("button", { name: "Remove first…" }).click();
      await page.getByLabel("Also delete its stored results").check();
      await page.getByRole("button", { name: "Remove and delete" }).click();
      await page.locator('[data-run="first"]').waitFor({ state: "detached" });

      // The workspace is empty again: the first view offers to add a run folder.
      await page.locator('[data-view="empty"]').waitFor();
      // The folder field suggests the existing folders that start with what is typed.
      await page.getByLabel("Run folder").first().fill(join(dir, "d", "base"));
      await page.locator(`[data-testid="folder-suggestions"] option[value="${join(dir, "d", "baseline")}"]`).first().waitFor({ state: "attached" });
      await page.getByLabel("Run folder").first().fill(join(dir, "d", "baseline"));
      await page.getByRole("button", { name: "Add run folder" }).click();
      const form = page.getByRole("form", { name: /^Edit run / });
      await form.waitFor();
      for (const label of ["Name", "Group", "Seed", "Tags", "Format", "Suites", "Backend", "Judge", "Every k-th", "Latest only", "Thresholds"]) assert.equal(await form.getByLabel(label, { exact: true }).count(), 1, `a control labelled ${label}`);
      await form.getByLabel("Name", { exact: true }).fill("my-run");
      await form.getByLabel("Suites", { exact: true }).selectOption("inoculation"); // the built-in, by its id
      await form.getByLabel("Backend", { exact: true }).selectOption("demo");
      await form.getByLabel("Judge", { exact: true }).selectOption("demo");
      await form.getByLabel("Thresholds", { exact: true }).fill("caps.threshold=0.4");
      const preview = form.getByTestId("probe-preview");
      await preview.getByText(/\d+ traits · [\d,]+ completions( and [\d,]+ judge calls)? per checkpoint/).waitFor();
      await preview.locator("summary").click();
      assert.match((await preview.textContent()) ?? "", /items × \d+ samples × \d+ contexts/);
      await page.screenshot({ path: join(ARTIFACTS, "new-run-form.png") });
      await form.getByRole("button", { name: "Save" }).click();
      await form.waitFor({ state: "detached" });
      // Probed and drawn: every checkpoint's scores arrive, without a reload.
      await page.locator('[data-panel^="Answers in Spanish"]:not([data-panel$="rollouts"]) canvas.series-layer[data-series-count]:not([data-series-count="0"])').waitFor({ timeout: 120_000 });
      let checkpoints: { step: number; state: string }[] = [];
      for (let i = 0; i < 240 && !(checkpoints.length === 3 && checkpoints.every((c) => c.state === "done")); i++) {
        await page.waitForTimeout(500);
        checkpoints = await cliJson(["checkpoints", "my-run", "--json", "--db", db]);
      }
      assert.deepEqual(checkpoints.map((c) => [c.step, c.state]), [[20, "done"], [40, "done"], [60, "done"]]);
      await page.screenshot({ path: join(ARTIFACTS, "new-run-probed.png") });
    } finally {
      await served.stop();
    }
  });
});
