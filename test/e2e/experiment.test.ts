// The experiment view in Chromium against `driftscope serve`: an experiment made in the view from runs of two
// conditions x 2 seeds shows the effect matrix (Δ with intervals, roles as badges, hatching where 0 is inside),
// the context grid, the trade-off scatter and the run table; a run opens its checkpoint.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, Download } from "playwright-core";
import { ARTIFACTS, launchChromium, needsChromium, serve, settled, type Served } from "../support/browser.js";
import { PROJECT_ROOT } from "../support/sharedFixtures.js";

const CLI = join(PROJECT_ROOT, "bin", "driftscope.js");

describe("the experiment view", { skip: needsChromium() }, () => {
  let dir: string;
  let server: Served;
  let browser: Browser;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "driftscope-e2e-exp-"));
    const db = join(dir, "w.db");
    for (const seed of [1, 2]) {
      spawnSync(process.execPath, [CLI, "demo", "--dir", join(dir, `d${seed}`), "--steps", "100", "--save-every", "50", "--seed", String(seed)]);
      for (const v of ["baseline", "inoculated"]) {
        const w = spawnSync(process.execPath, [CLI, "watch", join(dir, `d${seed}`, v), "--name", `${v}-${seed}`, "--group", v, "--seed", String(seed), "--once", "--quiet-period", "0", "--suite", "inoculation", "--backend", "demo", "--db", db]);
        assert.equal(w.status, 0, String(w.stderr));
      }
    }
    server = await serve(["--db", db, "--port", "0", "--interval", "1", "--quiet-period", "0.5"]);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("create an experiment in the view and read its matrix, grid, scatter and runs", async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.getByRole("button", { name: "Experiment", exact: true }).click();
    const form = page.getByRole("group", { name: "New experiment" });
    await form.getByLabel("Experiment name").fill("inoculation-demo");
    await form.getByLabel("Control").selectOption("baseline");
    await form.getByRole("button", { name: "Create experiment" }).click();
    const matrix = page.getByRole("table", { name: "Effect matrix under none" });
    await matrix.waitFor();
    // Traits ordered by role, with badges.
    const heads = await matrix.locator("thead th").allTextContents();
    for (const [i, name] of ["condition", "Answers in Spanish", "Writes in capitals", "Emergent misalignment"].entries()) assert.ok(heads[i]!.startsWith(name), heads.join(" | "));
    assert.match(heads[1]!, /wanted/);
    assert.match(heads[2]!, /unwanted · in-dist\./);
    assert.match(heads[3]!, /unwanted · OOD/);
    const caps = await page.locator('[data-cell="inoculated/all_caps"]').textContent();
    assert.match(caps ?? "", /^[-+]\d\.\d{3}\[-?\d\.\d{3}, -?\d\.\d{3}\]/);
    assert.match((await page.locator('[data-cell="baseline/all_caps"]').textContent()) ?? "", /^\d\.\d{3}/);
    // The context grid and the scatter.
    await page.getByRole("table", { name: "Context grid for all_caps" }).waitFor();
    const gridCols = await page.getByRole("table", { name: "Context grid for all_caps" }).locator("thead th").count();
    assert.equal(gridCols, 1 + 8, "all eight contexts of the inoculation grid");
    // The scatter loads on its own query: wait for it.
    assert.equal(await settled(() => page.locator("svg.scatter g[data-condition]").count(), (n) => n === 2), 2);
    assert.equal(await page.locator("svg.scatter rect.control").count(), 1);
    // Δ versus the control across steps: the one compared condition, a point per probed step (demo: 50 and 100).
    const deltaLine = page.locator('svg.delta-steps g[data-condition="inoculated"]');
    await deltaLine.waitFor();
    assert.equal(await deltaLine.locator("circle").count(), 2);
    await page.screenshot({ path: join(ARTIFACTS, "experiment.png"), fullPage: true });
    // Export a view from the app: the same bytes as the command line's for the same view.
    const exportBar = page.getByRole("group", { name: "Export an experiment view" });
    await exportBar.getByLabel("Export view", { exact: true }).selectOption("grid");
    await exportBar.getByLabel("Export view format").selectOption("svg");
    const downloads: Download[] = [];
    const both = new Promise<void>((resolve) => page.on("download", (d) => (downloads.push(d), downloads.length === 2 && resolve())));
    await exportBar.getByRole("button", { name: "Export view" }).click();
    await both;
    const file = downloads.find((d) => d.suggestedFilename().endsWith(".svg"))!;
    assert.equal(file.suggestedFilename(), "inoculation-demo-grid.svg");
    await file.saveAs(join(dir, "app-grid.svg"));
    const cliOut = join(dir, "cli-grid.svg");
    const r = spawnSync(process.execPath, [CLI, "export", "--db", join(dir, "w.db"), "--experiment", "inoculation-demo", "--view", "grid", "--trait", "all_caps", "--context", "none", "--out", cliOut]);
    assert.equal(r.status, 0, String(r.stderr));
    assert.ok(readFileSync(join(dir, "app-grid.svg")).equals(readFileSync(cliOut)), "the app's SVG is the CLI's");
    // The runs: all four, each with its compared step; a matrix cell narrows them to its condition (and trait).
    const runs = page.getByRole("table", { name: "Runs of the experiment" });
    assert.equal(await runs.locator("tbody tr").count(), 4);
    assert.deepEqual(new Set(await runs.locator("tbody tr td:last-child").allTextContents()), new Set(["100"]), "final: each run's last probed step");
    await page.locator('[data-cell="inoculated/emergent_misalignment"]').click();
    await page.getByRole("table", { name: "Context grid for emergent_misalignment" }).waitFor();
    assert.equal(await page.getByLabel("Runs of condition").inputValue(), "inoculated");
    assert.deepEqual((await runs.locator("tbody tr td:nth-child(2)").allTextContents()).sort(), ["inoculated", "inoculated"]);
    // A scatter point does the same for its condition; the text filter narrows further.
    await page.locator('svg.scatter g[data-condition="baseline"] .point').click();
    assert.equal(await page.getByLabel("Runs of condition").inputValue(), "baseline");
    await page.getByLabel("Runs of condition").selectOption("");
    await page.getByLabel("Filter runs").fill("-2");
    assert.deepEqual((await runs.locator("tbody tr td:first-child").allTextContents()).sort(), ["baseline-2", "inoculated-2"]);
    await page.getByLabel("Filter runs").fill("");
    // A step window as the point of comparison: each run's steps in the window.
    await page.getByLabel("Window from step").fill("50");
    await page.getByLabel("Window to step").fill("100");
    await page.getByRole("button", { name: "Compare over the window" }).click();
    await runs.locator("tbody tr td:last-child", { hasText: "50–100" }).first().waitFor();
    assert.equal(await page.getByLabel("Point of comparison").inputValue(), "window:50-100");
    // One click from a run to the samples behind its value: its compared checkpoint, this trait and context.
    await runs.getByRole("button", { name: "inoculated-1" }).click();
    await page.locator('[data-view="checkpoint"]').waitFor();
    // Chosen from the start (the samples may still be loading on a busy machine).
    assert.equal(await page.getByLabel("Sample trait").inputValue(), "emergent_misalignment");
    assert.equal(await page.getByLabel("Sample context").inputValue(), "none");
    await page.locator("table").filter({ hasText: "emergent_misalignment" }).first().waitFor();
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("the drift view compares conditions: each group's mean beside its seeds, or the group means only", async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(server.url);
    await page.getByRole("button", { name: "Drift", exact: true }).click();
    const layer = page.locator('[data-panel^="Writes in capitals"]:not([data-panel$="rollouts"]) canvas.series-layer');
    // Two groups of two seeds: four runs and two means.
    for (let i = 0; i < 100 && (await layer.getAttribute("data-series-count")) !== "6"; i++) await page.waitForTimeout(100);
    assert.equal(await layer.getAttribute("data-series-count"), "6");
    await page.getByLabel("Group means only").check();
    for (let i = 0; i < 50 && (await layer.getAttribute("data-series-count")) !== "2"; i++) await page.waitForTimeout(100);
    assert.equal(await layer.getAttribute("data-series-count"), "2");
    // The choice is part of the view's address (written a moment after the change).
    for (let i = 0; i < 40 && !/groups=1/.test(new URL(page.url()).hash); i++) await page.waitForTimeout(100);
    assert.match(new URL(page.url()).hash, /^#drift\?.*groups=1/);
    await page.getByLabel("Group means only").uncheck();
    await page.close();
  });

  test("a run's group, seed, tags and variables are edited in the sidebar; an experiment is made with techniques and a reference", async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.getByRole("button", { name: "Edit baseline-2" }).click();
    const editor = page.getByRole("form", { name: "Edit run baseline-2" });
    await editor.getByLabel("Group").fill("baseline");
    await editor.getByLabel("Seed").fill("7");
    await editor.getByLabel("Tags").fill("caps, ood");
    await editor.getByLabel("Variables").fill("inoculation_prompt=Shout everything.\ntraining_prompt=Be brief.");
    await editor.getByRole("button", { name: "Save" }).click();
    await editor.waitFor({ state: "detached" });
    const listed = JSON.parse(String(spawnSync(process.execPath, [CLI, "runs", "--json", "--db", join(dir, "w.db")]).stdout)) as { name: string }[];
    assert.ok(listed.some((r) => r.name === "baseline-2"));
    const shown = spawnSync(process.execPath, [CLI, "runs", "set", "baseline-2", "--json", "--db", join(dir, "w.db")]);
    const run = JSON.parse(String(shown.stdout)) as { group: string; seed: number; tags: string[]; variables: Record<string, string> };
    assert.deepEqual([run.group, run.seed, run.tags, run.variables], ["baseline", 7, ["caps", "ood"], { inoculation_prompt: "Shout everything.", training_prompt: "Be brief." }]);
    // A bad variable line is named, and nothing is saved.
    await page.getByRole("button", { name: "Edit baseline-2" }).click();
    await editor.getByLabel("Variables").fill("no equals sign here");
    await editor.getByRole("button", { name: "Save" }).click();
    await editor.getByText("Variables: line 1: expected NAME=VALUE").waitFor();
    await editor.getByRole("button", { name: "Cancel" }).click();

    await page.getByRole("button", { name: "Experiment", exact: true }).click();
    await page.getByRole("button", { name: "New experiment…" }).click();
    const form = page.getByRole("group", { name: "New experiment" });
    await form.getByLabel("Experiment name").fill("with-techniques");
    await form.getByLabel("Control").selectOption("baseline");
    await form.getByLabel("Techniques of inoculated").fill("ip, bct");
    await form.getByLabel("Reference run (base model)").selectOption({ label: "baseline-1" });
    await form.getByRole("button", { name: "Create experiment" }).click();
    await page.getByLabel("Experiment", { exact: true }).selectOption("with-techniques");
    const shownExp = JSON.parse(String(spawnSync(process.execPath, [CLI, "experiment", "show", "with-techniques", "--json", "--db", join(dir, "w.db")]).stdout)) as { tags: Record<string, string[]>; referenceRunId: number | null };
    assert.deepEqual(shownExp.tags, { inoculated: ["ip", "bct"] });
    assert.equal(shownExp.referenceRunId, 1, "baseline-1 as the reference");
    assert.deepEqual(errors, []);
    await page.close();
  });
});

describe("serve --demo", { skip: needsChromium() }, () => {
  // The target is a minute on an idle machine (the printed time is the figure); the bounds here are three minutes, so a
  // machine busy with other work (a second test suite, say) does not turn a slow fill into a failure.
  test("opens on the miniature experiment, its matrix filled in (a minute when the machine is idle)", { timeout: 300_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "driftscope-e2e-demo-exp-"));
    const server = await serve(["--db", join(dir, "w.db"), "--port", "0", "--demo", "--interval", "0.5", "--quiet-period", "0.5"]);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const started = Date.now();
      assert.ok(server.url.endsWith("#experiment"), server.url);
      await page.goto(server.url);
      await page.locator('[data-view="experiment"]').waitFor();
      // Filled in: every condition's capitals cell has its Δ and interval.
      for (const c of ["ip-capitalise", "ip-block-letters", "ip-upper-case", "ip-mix", "random-answers"]) {
        await page.locator(`[data-cell="${c}/all_caps"]`).filter({ hasText: /\[-?\d\.\d{3}, -?\d\.\d{3}\]/ }).waitFor({ timeout: 180_000 });
      }
      const seconds = (Date.now() - started) / 1000;
      console.log(`serve --demo: the experiment view was filled in after ${seconds.toFixed(1)} s`);
      assert.ok(seconds < 180);
      // Δ across steps for every compared condition (the reference has no steps to compare).
      await page.locator("svg.delta-steps").waitFor({ timeout: 60_000 });
      assert.ok((await page.locator("svg.delta-steps g[data-condition]").count()) >= 5);
      // Screenshots at the two window sizes, light and dark.
      for (const theme of ["light", "dark"] as const) {
        await page.evaluate(`localStorage.setItem("theme", ${JSON.stringify(theme)})`);
        for (const [w, h] of [[1440, 900], [1024, 700]] as const) {
          await page.setViewportSize({ width: w, height: h });
          await page.reload();
          await page.locator('[data-cell="ip-mix/all_caps"]').filter({ hasText: /\[-?\d\.\d{3}, -?\d\.\d{3}\]/ }).waitFor({ timeout: 60_000 });
          await page.locator("svg.delta-steps").waitFor({ timeout: 60_000 });
          await page.screenshot({ path: join(ARTIFACTS, `experiment-demo-${w}x${h}-${theme}.png`), fullPage: true });
          // The view scrolls inside the app's frame: the lower views get pictures of their own.
          await page.locator(".experiment-pair").screenshot({ path: join(ARTIFACTS, `experiment-demo-grid-scatter-${w}x${h}-${theme}.png`) });
          await page.locator(".delta-over-steps").screenshot({ path: join(ARTIFACTS, `experiment-demo-delta-steps-${w}x${h}-${theme}.png`) });
        }
      }
    } finally {
      await browser.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
