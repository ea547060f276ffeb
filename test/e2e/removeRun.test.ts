// Removing a run from the sidebar in Chromium, by keyboard: the confirmation says what the run has stored and that
// its folder is not touched, Cancel keeps it, Remove takes it out of the list (results kept), and adding the folder
// again brings it back.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { browserSession, needsChromium, serve } from "../support/browser.js";
import { cli, cliJson } from "../support/cli.js";

describe("removing a run in the app", { skip: needsChromium() }, () => {
  const session = browserSession("driftscope-e2e-remove-");

  test("asks first with what will go, removes on confirmation, and the folder added again brings it back", { timeout: 120_000 }, async () => {
    const [dir, browser] = [session.dir(), session.browser()];
    const db = join(dir, "w.db");
    assert.equal((await cli(["demo", "--dir", join(dir, "d"), "--steps", "100", "--pace", "fast"])).status, 0);
    for (const v of ["baseline", "inoculated"]) assert.equal((await cli(["watch", join(dir, "d", v), "--once", "--db", db, "--quiet-period", "0.5", "--interval", "0.1"])).status, 0);
    const served = await serve(["--db", db, "--port", "0"]);
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await page.goto(served.url);
      const sidebar = page.getByRole("complementary", { name: "Runs" });
      await sidebar.getByText("baseline").first().waitFor();
      // Keyboard only: focus the remove button and press Enter; Escape cancels.
      await page.getByRole("button", { name: "Remove baseline…" }).focus();
      await page.keyboard.press("Enter");
      const dialog = page.getByRole("dialog", { name: "Remove baseline" });
      await dialog.getByText(/It has stored 5 checkpoints, 0 samples/).waitFor();
      assert.match((await dialog.textContent()) ?? "", /is not touched/);
      await page.keyboard.press("Escape");
      await dialog.waitFor({ state: "detached" });
      assert.equal((await cliJson<unknown[]>(["runs", "--json", "--db", db])).length, 2, "cancelled: nothing removed");

      await page.getByRole("button", { name: "Remove baseline…" }).click();
      await dialog.getByLabel("Also delete its stored results").waitFor();
      await dialog.getByRole("button", { name: "Remove", exact: true }).click();
      await sidebar.locator('[data-run="baseline"]').waitFor({ state: "detached" });
      assert.deepEqual((await cliJson<{ name: string }[]>(["runs", "--json", "--db", db])).map((r) => r.name), ["inoculated"]);

      await page.getByLabel("Run folder path").first().fill(join(dir, "d", "baseline"));
      await page.getByRole("button", { name: "Add", exact: true }).click();
      await sidebar.locator('[data-run="baseline"]').getByText("5 complete ckpts").waitFor();
      // A link to a checkpoint of a run that is not in the workspace says so instead of showing nothing.
      await page.goto(`${served.url.split("#")[0]}#checkpoint?run=999&step=20`);
      await page.getByTestId("no-such-run").waitFor();
    } finally {
      await served.stop();
    }
  });
});
