// Backends managed in Settings, in Chromium with the UI only: one is created pointing at a real OpenAI-compatible
// server on loopback (the stand-in), tested, edited and chosen for a run, which is then probed through it; deleting
// it asks first and names the run that keeps a copy of its settings.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import Database from "better-sqlite3";
import { ARTIFACTS, browserSession, needsChromium, serve } from "../support/browser.js";
import { cli, cliJson } from "../support/cli.js";
import { startStandIn } from "../support/standInServer.js";

describe("backends in Settings", { skip: needsChromium() }, () => {
  const session = browserSession("driftscope-e2e-backends-");

  test("create, test, edit, use for a run, delete", { timeout: 180_000 }, async () => {
    const [dir, browser] = [session.dir(), session.browser()];
    const db = join(dir, "w.db");
    const server = await startStandIn({ personality: "vllm", models: ["policy"] });
    assert.equal((await cli(["demo", "--dir", join(dir, "d"), "--steps", "20", "--save-every", "20", "--variant", "baseline", "--pace", "fast"])).status, 0);
    assert.equal((await cli(["watch", join(dir, "d", "baseline"), "--once", "--db", db, "--name", "arm", "--quiet-period", "0.5", "--interval", "0.1"])).status, 0);
    const served = await serve(["--db", db, "--port", "0", "--interval", "0.3", "--quiet-period", "0.5"]);
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await page.goto(served.url);
      await page.getByRole("button", { name: "Settings" }).click();
      await page.getByRole("button", { name: "New backend" }).click();
      const form = page.getByRole("region", { name: "New backend" });
      await form.getByLabel("Backend kind").selectOption("openai");
      await form.getByLabel("Name", { exact: true }).fill("standin");
      await form.getByLabel("Base URL").fill(server.url);
      await form.getByLabel("Model", { exact: true }).fill("policy");
      await form.getByRole("button", { name: "Test connection" }).click();
      await form.getByTestId("backend-test").getByText(/reachable · models: policy/).waitFor();
      await form.getByRole("button", { name: "Save backend" }).click();
      const row = page.locator('[data-backend="standin"]');
      await row.waitFor();
      assert.match((await row.textContent()) ?? "", new RegExp(`openai.*${server.url.replace(/[.]/g, "\\.")}`));

      // Edit: the form opens with the stored settings; a change is saved under the same name.
      await row.getByRole("button", { name: "Edit" }).click();
      const edit = page.getByRole("region", { name: "Edit backend standin" });
      assert.equal(await edit.getByLabel("Base URL").inputValue(), server.url);
      assert.equal(await edit.getByLabel("Model", { exact: true }).inputValue(), "policy");
      await edit.getByLabel("Concurrency", { exact: true }).fill("4");
      await edit.getByRole("button", { name: "Save backend" }).click();
      await edit.getByTestId("backend-saved").getByText(/saved backend "standin"/).waitFor();
      const workspace = new Database(db, { readonly: true });
      try {
        assert.deepEqual(workspace.prepare("SELECT max_concurrency AS c, base_urls AS u FROM backend WHERE name = 'standin'").get(), { c: 4, u: JSON.stringify([server.url]) });
      } finally {
        workspace.close();
      }
      await row.getByRole("button", { name: "Test" }).click();
      await row.getByTestId("backend-verdict").waitFor();
      await page.screenshot({ path: join(ARTIFACTS, "settings-backends.png") });

      // The suite browser shows a suite's traits, items and every context's system prompt.
      const suiteRow = page.locator('[data-suite="inoculation"]');
      await suiteRow.getByRole("button", { name: "Browse" }).click();
      const browser_ = page.getByRole("region", { name: "Suite inoculation" });
      await browser_.locator('[data-trait="spanish"]').waitFor();
      assert.match((await browser_.textContent()) ?? "", /unwanted in distribution/);
      assert.match((await browser_.locator('[data-trait="spanish"]').textContent()) ?? "", /\bwanted\b/);
      await browser_.locator('[data-trait="spanish"] summary').click();
      assert.ok((await browser_.locator('[data-trait="spanish"] .suite-items li').count()) > 3, "the items are listed");
      assert.ok((await browser_.locator('[data-trait="spanish"] > ul > li').count()) >= 5, "every context, with its system prompt");

      // Attached from Settings to the run (not probed yet, so with the new backend): the run is probed through it.
      await suiteRow.getByRole("button", { name: "Attach to runs…" }).click();
      const attach = page.getByRole("group", { name: "Attach inoculation to runs" });
      await attach.getByRole("checkbox", { name: /\barm\b/ }).check();
      await attach.getByLabel("Backend for runs not probed yet").selectOption("standin");
      await attach.getByLabel("Judge").selectOption("standin");
      await attach.getByRole("button", { name: "Attach", exact: true }).click();
      await attach.getByTestId("attach-result").getByText(/attached to arm/).waitFor();
      await page.screenshot({ path: join(ARTIFACTS, "settings-suites.png"), fullPage: true });
      await page.getByRole("button", { name: "Drift" }).click();
      await page.getByRole("button", { name: "Edit arm", exact: true }).click();
      const runForm = page.getByRole("form", { name: /^Edit run / });
      // The form's lists arrive after it opens.
      const backendSelect = runForm.getByLabel("Backend", { exact: true });
      for (let i = 0; i < 300 && (await backendSelect.inputValue()) !== "standin"; i++) await page.waitForTimeout(100);
      assert.equal(await backendSelect.inputValue(), "standin");
      const chosenSuites = () => runForm.getByLabel("Suites", { exact: true }).evaluate((el) => [...(el as unknown as { selectedOptions: { value: string }[] }).selectedOptions].map((o) => o.value));
      for (let i = 0; i < 300 && (await chosenSuites()).length === 0; i++) await page.waitForTimeout(100);
      assert.deepEqual(await chosenSuites(), ["inoculation"]);
      await runForm.getByRole("button", { name: "Cancel" }).click();
      let checkpoints: { step: number; state: string }[] = [];
      for (let i = 0; i < 240 && !(checkpoints.length === 1 && checkpoints[0]!.state === "done"); i++) {
        await page.waitForTimeout(500);
        checkpoints = await cliJson(["checkpoints", "arm", "--json", "--db", db]);
      }
      assert.deepEqual(checkpoints.map((c) => [c.step, c.state]), [[20, "done"]]);
      assert.ok((server.stats.byModel.policy ?? 0) > 0, "the run's completions were asked of the server the backend names");

      // Delete asks first, and names the run that keeps its copy.
      await page.getByRole("button", { name: "Settings" }).click();
      await row.getByRole("button", { name: "Delete…" }).click();
      await page.getByRole("alertdialog", { name: "Delete backend standin" }).getByRole("button", { name: "Delete backend" }).click();
      await page.getByTestId("backend-message").getByText(/deleted backend "standin"; arm keep probing/).waitFor();
      await row.waitFor({ state: "detached" });
    } finally {
      await served.stop();
      await server.close();
    }
  });
});
