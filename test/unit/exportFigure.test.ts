// Exported figures: SVG snapshots with numbers normalised (as Observable Plot's tests do), what each option puts in
// or leaves out, the size of a long line, and the tables' numbers against the store.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { loadExportData } from "../../main/core/export/exportData.js";
import { exportFonts, unpackedPath } from "../../main/core/export/fonts.js";
import { Store } from "../../main/core/store/store.js";
import type { ExportData } from "../../shared/chart/exportData.js";
import { defaultSpec, type ChartSpec } from "../../shared/chart/exportSpec.js";
import { textExport } from "../../shared/chart/exportText.js";
import { buildFigure } from "../../shared/chart/figureLayout.js";
import { figureRows } from "../../shared/chart/table.js";
import { buildExportDb, FIXTURE_RUNS, FIXTURE_STEPS, fixtureMean } from "../support/exportFixture.js";
import { buildScoresDb } from "../support/scoresDb.js";
import { matchesSnapshot } from "../support/snapshot.js";

let dir: string;
let store: Store;
let runIds: number[];

before(() => {
  dir = mkdtempSync(join(tmpdir(), "driftscope-export-"));
  runIds = buildExportDb(join(dir, "w.db")).runIds;
  store = Store.open(join(dir, "w.db"));
});
after(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const data = (spec: ChartSpec): ExportData => loadExportData(store, spec, "0.0.0-test");
const svgOf = (spec: ChartSpec) => textExport("svg", buildFigure(spec, data(spec)));

const SPECS: Record<string, (ids: number[]) => ChartSpec> = {
  "paper1-ci-annotations": (ids) => ({ ...defaultSpec(ids), preset: "paper1", metrics: ["reward"] }),
  "paper2-plain": (ids) => ({ ...defaultSpec(ids), preset: "paper2", ci: false, annotations: false, groupMeans: false, title: "" }),
  "slide-smoothed-dark": (ids) => ({ ...defaultSpec(ids), preset: "slide", smoothing: 0.6, theme: "dark", context: "inoculation", metrics: ["reward", "kl"], title: "Inoculation context" }),
  "screen-range": (ids) => ({ ...defaultSpec(ids.slice(0, 2)), preset: "screen", traits: ["misaligned"], range: [200, 800] }),
};

for (const [name, make] of Object.entries(SPECS)) {
  test(`exported SVG matches its snapshot: ${name}`, () => {
    const svg = svgOf(make(runIds));
    assert.match(svg, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    matchesSnapshot(name, svg);
  });
}

test("CI bands and annotations are in the SVG when asked and absent when not", () => {
  const spec = { ...defaultSpec(runIds), metrics: ["reward"] };
  const full = svgOf(spec);
  assert.ok((full.match(/class="ci-band"/g) ?? []).length >= 6, "a band per run and group mean in each trait panel");
  assert.match(full, /class="annotation-marker"/);
  assert.match(full, /class="annotation-range"/);
  assert.match(full, />LR warmup ends</);
  assert.match(full, />95% CI</);
  const bare = svgOf({ ...spec, ci: false, annotations: false });
  assert.doesNotMatch(bare, /ci-band|annotation-|LR warmup ends|95% CI/);
  assert.match(bare, /class="series"/, "the lines are still drawn");
});

test("the title, presets and sizes: paper single column is 3.5 in wide; a slide is 16:9", () => {
  const paper1 = buildFigure({ ...defaultSpec(runIds), preset: "paper1" }, data(defaultSpec(runIds)));
  assert.equal(paper1.widthIn, 3.5);
  assert.equal(paper1.width, 252);
  assert.equal(paper1.panels.length, 2);
  assert.ok(paper1.panels.every((p) => p.width <= 252 && p.x >= 0), "one column");
  assert.equal(paper1.title, "baseline-s1 vs baseline-s2 vs inoculated-s1");
  const slide = buildFigure({ ...defaultSpec(runIds), preset: "slide" }, data(defaultSpec(runIds)));
  assert.ok(Math.abs(slide.widthIn / slide.heightIn - 16 / 9) < 0.001);
  assert.ok(slide.panels.every((p) => p.y + p.height <= slide.height + 0.01), "every panel fits on the slide");
  const svg = svgOf({ ...defaultSpec(runIds), preset: "paper1" });
  assert.match(svg, /width="3.5in"/);
  assert.match(svg, /font-size="7"/, "paper text at 7 pt");
  assert.doesNotMatch(svgOf({ ...defaultSpec(runIds), title: "" }), /class="figure-title"/);
});

test("the tables hold exactly the plotted points, equal to the stored scores", () => {
  const spec = { ...defaultSpec(runIds), context: "neutral", range: [100, 500] as [number, number] };
  const rows = figureRows(buildFigure(spec, data(spec)));
  const scores = rows.filter((r) => r.kind === "score");
  const inRange = FIXTURE_STEPS.filter((s) => s >= 100 && s <= 500);
  assert.equal(scores.length, FIXTURE_RUNS.length * 2 * inRange.length);
  for (const r of scores) {
    const run = runIds.indexOf(r.run_id!);
    const m = fixtureMean(run, r.trait === "all_caps" ? 0 : 1, 0, r.step!);
    assert.equal(r.mean, m, `${r.series} ${r.trait} ${r.step}`);
    assert.equal(r.ci_low, m - 0.04);
    assert.equal(r.ci_high, m + 0.04);
    assert.equal(r.n, 64);
  }
  const means = rows.filter((r) => r.kind === "group-mean");
  assert.equal(means.length, 2 * inRange.length, "the baseline group's mean per trait and step (inoculated has one run)");
});

test("a 500-checkpoint line is a few KB of SVG, and its band stays bounded by the pixel columns", () => {
  const ids = buildScoresDb(join(dir, "long.db"), { runs: 1, checkpoints: 500, traits: 1 });
  const s = Store.open(join(dir, "long.db"));
  try {
    const spec = { ...defaultSpec(ids), preset: "paper1" as const };
    const svg = textExport("svg", buildFigure(spec, loadExportData(s, spec, "t")));
    const line = /<g class="series"[^>]*><path d="([^"]+)"/.exec(svg)![1]!;
    assert.ok(line.length < 8_000, `the line's path is ${line.length} bytes`);
    const band = /class="ci-band" d="([^"]+)"/.exec(svg)![1]!;
    assert.ok(band.length < 12_000, `the band's path is ${band.length} bytes`);
    assert.ok(svg.length < 24_000, `the whole figure is ${svg.length} bytes`);
  } finally {
    s.close();
  }
});

test("bad specs are refused with the field named", () => {
  assert.throws(() => data({ ...defaultSpec(runIds), traits: ["nope"] }), /no trait "nope".*all_caps, misaligned/);
  assert.throws(() => data({ ...defaultSpec(runIds), metrics: ["entropy"] }), /no metric "entropy".*kl, reward/);
  assert.throws(() => data(defaultSpec([999])), /no run with id 999/);
});

test("the export fonts are bundled files (TrueType), found inside a packaged app's unpacked folder", () => {
  const fonts = exportFonts();
  for (const f of [fonts.regular, fonts.bold]) assert.equal(readFileSync(f).readUInt32BE(0), 0x00010000, `${f} is a TrueType font`);
  assert.equal(unpackedPath("/opt/Driftscope/resources/app.asar/node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf"), "/opt/Driftscope/resources/app.asar.unpacked/node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf");
  assert.equal(unpackedPath("C:\\Driftscope\\resources\\app.asar\\x.ttf"), "C:\\Driftscope\\resources\\app.asar.unpacked\\x.ttf");
  assert.equal(unpackedPath("/home/me/driftscope/node_modules/x.ttf"), "/home/me/driftscope/node_modules/x.ttf");
});

test("a run with nothing drawn is named in neither the title nor the figure's runs", () => {
  const spec = defaultSpec(runIds);
  const d = data(spec);
  const empty = runIds[2]!;
  const without = { ...d, scores: d.scores.filter((s) => s.runId !== empty), metrics: d.metrics.filter((m) => m.runId !== empty) };
  const figure = buildFigure(spec, without);
  assert.deepEqual(figure.runs, runIds.slice(0, 2));
  assert.equal(figure.title, "baseline-s1 vs baseline-s2");
  assert.ok(!figure.legend.some((e) => e.label === "inoculated-s1"));
});

test("a paper figure is never taller than a page: its panels wrap into columns, then shrink", () => {
  const spec: ChartSpec = { ...defaultSpec(runIds), preset: "paper1", metrics: ["reward", "kl"] };
  const d = data(spec);
  // Eight traits (copies of the fixture's) and two metrics: ten panels, 15 in tall in one column.
  const traits = Array.from({ length: 8 }, (_, k) => d.traits.map((t) => ({ ...t, trait: `${t.trait}-${k}` }))).flat();
  const scores = Array.from({ length: 8 }, (_, k) => d.scores.map((s) => ({ ...s, trait: `${s.trait}-${k}` }))).flat();
  for (const preset of ["paper1", "paper2"] as const) {
    const figure = buildFigure({ ...spec, preset }, { ...d, traits, scores });
    assert.ok(figure.heightIn <= 9, `${preset}: ${figure.heightIn} in`);
    assert.ok(figure.panels.every((p) => p.y + p.height <= figure.height + 0.01 && p.x + p.width <= figure.width + 0.01), `${preset}: every panel on the page`);
    if (preset === "paper1") assert.ok(new Set(figure.panels.map((p) => p.x)).size >= 2, "wrapped into columns");
  }
  // A short figure keeps the preset's single column.
  assert.equal(new Set(buildFigure(spec, d).panels.map((p) => p.x)).size, 1);
});

test("a long title is shortened to the figure's width, never clipped", () => {
  const long = "A very long figure title that names every condition, seed and context of the whole experiment at once";
  const figure = buildFigure({ ...defaultSpec(runIds), preset: "paper1", title: long }, data(defaultSpec(runIds)));
  assert.ok(figure.title.length < long.length && figure.title.endsWith("…"), figure.title);
  assert.ok(figure.title.length * figure.fontSize * 1.3 * 0.6 <= figure.width, "fits the width");
});
