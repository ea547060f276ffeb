// Exporting from the app in Chromium against `driftscope serve`: the dialog's preview, a download of the file and
// its manifest, and the app's export byte-identical to the CLI's for the same spec (SVG drawn in the browser, PNG
// drawn by the core).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, Download, Page } from "playwright-core";
import { ARTIFACTS, launchChromium, needsChromium, serve, settled, type Served } from "../support/browser.js";
import { cli } from "../support/cli.js";
import { buildExportDb, FIXTURE_RUNS } from "../support/exportFixture.js";
import { matchesPicture, SCREENSHOT, stableScreenshot } from "../support/pictures.js";

const skip = needsChromium();

describe("exporting from the app", { skip }, () => {
  let dir: string;
  let db: string;
  let server: Served;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "driftscope-e2e-export-"));
    db = join(dir, "w.db");
    buildExportDb(db);
    server = await serve(["--db", db, "--port", "0"]);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 950 }, acceptDownloads: true });
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.locator('[data-panel^="All caps"]:not([data-panel$="rollouts"]) canvas.series-layer[data-series-count]:not([data-series-count="0"])').waitFor({ timeout: 30_000 });
    // The Export dialog takes the view as it is: wait for the metric panels too, so the spec includes them.
    await page.locator('[data-panel="kl"] canvas.series-layer[data-series-count]:not([data-series-count="0"])').waitFor({ timeout: 30_000 });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Clicks Download and saves the two files it yields (the export and its manifest) under `name`. */
  async function download(name: string): Promise<{ file: string; manifest: string }> {
    const got: Download[] = [];
    const both = new Promise<void>((resolve) => {
      const on = (d: Download) => {
        got.push(d);
        if (got.length < 2) return;
        page.off("download", on);
        resolve();
      };
      page.on("download", on);
    });
    await page.getByRole("button", { name: "Download" }).click();
    await both;
    const file = got.find((d) => !d.suggestedFilename().endsWith(".manifest.json"))!;
    const manifest = got.find((d) => d.suggestedFilename().endsWith(".manifest.json"))!;
    await file.saveAs(join(dir, name));
    await manifest.saveAs(join(dir, `${name}.manifest.json`));
    return { file: join(dir, name), manifest: join(dir, `${name}.manifest.json`) };
  }

  const cliSpec = ["--context", "neutral", "--metric", "reward", "--metric", "kl", ...FIXTURE_RUNS.flatMap((r) => ["--run", r.name])];

  test("the drift view's panels are the pictures they should be (compared with references)", async () => {
    // The fixture workspace is fixed data, so its panels draw the same every time; the mouse is kept off them.
    await page.mouse.move(0, 0);
    // Annotations arrive by their own call after the series: a slow machine could shoot the panel between the two.
    await page.locator('[data-panel^="All caps"]:not([data-panel$="rollouts"]) .annotation-label', { hasText: "reward hacking?" }).waitFor();
    for (const [name, selector] of [["drift-panel-all-caps", '[data-panel^="All caps"]:not([data-panel$="rollouts"])'], ["drift-panel-kl", '[data-panel="kl"]']] as const) {
      matchesPicture(name, await stableScreenshot(page.locator(selector).first()), SCREENSHOT);
    }
  });

  test("Ctrl+E opens the Export dialog with a preview drawn by the export's own component", async () => {
    await page.keyboard.press("Control+e");
    const dialog = page.getByRole("dialog", { name: "Export chart" });
    await dialog.waitFor();
    const preview = dialog.getByLabel("Export preview");
    await preview.locator("svg.figure .series path").first().waitFor();
    assert.equal(await preview.locator("svg.figure > svg").count(), 4, "two trait panels and two metric panels");
    // Bands are computed in slices after the series (GroupBandCache): they may arrive a moment after the lines.
    assert.ok((await settled(() => preview.locator(".ci-band").count(), (n) => n > 0)) > 0);
    await page.screenshot({ path: join(ARTIFACTS, "export-dialog.png") });
  });

  test("the SVG the app downloads is byte-identical to the CLI's for the same spec, with a manifest beside it", async () => {
    const app = await download("app.svg");
    const out = join(dir, "cli.svg");
    const r = await cli(["export", "--db", db, ...cliSpec, "--out", out]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(readFileSync(out).length > 10_000);
    assert.ok(readFileSync(app.file).equals(readFileSync(out)), "app and CLI SVGs are the same bytes");
    const manifest = JSON.parse(readFileSync(app.manifest, "utf8")) as { format: string; runs: { path: string }[]; spec: unknown };
    assert.equal(manifest.format, "svg");
    assert.deepEqual(manifest.runs.map((x) => x.path), FIXTURE_RUNS.map((x) => `/experiments/${x.name}`));
    assert.deepEqual(manifest.spec, (JSON.parse(readFileSync(join(dir, "cli.svg.manifest.json"), "utf8")) as { spec: unknown }).spec);
  });

  test("a PNG at a chosen DPI, drawn by the core, is byte-identical to the CLI's", async () => {
    const dialog = page.getByRole("dialog", { name: "Export chart" });
    await dialog.getByLabel("Export format").selectOption("png");
    await dialog.getByLabel("Export DPI").fill("150");
    await dialog.getByText(/px$/).waitFor();
    const app = await download("app.png");
    const out = join(dir, "cli.png");
    const r = await cli(["export", "--db", db, ...cliSpec, "--dpi", "150", "--out", out]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(readFileSync(app.file).equals(readFileSync(out)), "app and CLI PNGs are the same bytes");
  });

  test("turning off CI bands and annotations takes them out of the preview", async () => {
    const dialog = page.getByRole("dialog", { name: "Export chart" });
    await dialog.getByLabel("Include CI bands").uncheck();
    await dialog.getByLabel("Include annotations").uncheck();
    const preview = dialog.getByLabel("Export preview");
    for (let i = 0; i < 40 && (await preview.locator(".ci-band, .annotation-marker").count()) > 0; i++) await page.waitForTimeout(100);
    assert.equal(await preview.locator(".ci-band").count(), 0);
    assert.equal(await preview.locator(".annotation-marker, .annotation-range").count(), 0);
    assert.ok((await preview.locator(".series path").count()) > 0);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    assert.deepEqual(errors, []);
  });
});
