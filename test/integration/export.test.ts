// `driftscope export` on a real workspace: PNG decoded and measured, PDF parsed, CSV and JSON read back and compared
// with the store's scores, manifests, and bad input.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { PNG } from "pngjs";
import { EXACT_RENDER, matchesPicture } from "../support/pictures.js";
import { PROJECT_ROOT } from "../support/sharedFixtures.js";
import { BAND_OPACITY, RANGE_OPACITY } from "../../shared/chart/DriftPanel.js";
import type { buildManifest } from "../../shared/chart/manifest.js";
import type { TableRow } from "../../shared/chart/table.js";
import { TABLE_COLUMNS } from "../../shared/chart/table.js";
import { cli } from "../support/cli.js";
import { buildExportDb, FIXTURE_RUNS, FIXTURE_STEPS } from "../support/exportFixture.js";

let dir: string;
let db: string;
const RUNS = FIXTURE_RUNS.flatMap((r) => ["--run", r.name]);

before(() => {
  dir = mkdtempSync(join(tmpdir(), "driftscope-export-cli-"));
  db = join(dir, "w.db");
  buildExportDb(db);
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function exportTo(name: string, ...args: string[]) {
  const out = join(dir, name);
  const r = await cli(["export", "--db", db, ...RUNS, "--out", out, ...args]);
  assert.equal(r.status, 0, r.stderr);
  return out;
}

type Manifest = ReturnType<typeof buildManifest> & { size: { widthPx?: number } };
const manifestOf = (file: string) => JSON.parse(readFileSync(`${file}.manifest.json`, "utf8")) as Manifest;

async function pdfText(file: string) {
  const { getDocument } = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const doc = await getDocument({ data: new Uint8Array(readFileSync(file)), isEvalSupported: false, useSystemFonts: false }).promise;
  const page = await doc.getPage(1);
  const text = (await page.getTextContent()).items.map((i) => ("str" in i ? i.str : "")).join("\n");
  return { pages: doc.numPages, view: page.view, text };
}

test("PNG: exactly inches x DPI pixels, the DPI recorded, and not blank", async () => {
  const file = await exportTo("fig.png", "--preset", "paper1", "--dpi", "200");
  const png = PNG.sync.read(readFileSync(file));
  const m = manifestOf(file);
  assert.equal(png.width, 3.5 * 200);
  assert.equal(png.height, Math.round(m.size.heightIn * 200));
  assert.equal(m.size.widthPx, png.width);
  const bytes = readFileSync(file);
  const phys = bytes.indexOf("pHYs");
  assert.ok(phys > 0, "a pHYs chunk");
  assert.equal(bytes.readUInt32BE(phys + 4), Math.round(200 / 0.0254), "pixels per metre for 200 dpi");
  let inked = 0;
  for (let i = 0; i < png.data.length; i += 4) if (png.data[i]! < 200 || png.data[i + 1]! < 200 || png.data[i + 2]! < 200) inked++;
  const share = inked / (png.width * png.height);
  assert.ok(share > 0.02 && share < 0.6, `${(share * 100).toFixed(1)}% of the pixels are drawn`);
  // And it is the picture it should be: compared with its reference (resvg and the bundled font draw it the same
  // everywhere, so only anti-aliasing may differ).
  matchesPicture("export-paper1-200dpi", bytes, EXACT_RENDER);
});

test("a picture comparison fails on a blank image and on a garbled one", () => {
  const reference = PNG.sync.read(readFileSync(join(PROJECT_ROOT, "test", "pictures", "export-paper1-200dpi.png")));
  const blank = new PNG({ width: reference.width, height: reference.height });
  blank.data.fill(255);
  assert.throws(() => matchesPicture("export-paper1-200dpi", PNG.sync.write(blank), EXACT_RENDER), /of the pixels differ from the reference/);
  // Garbled: the top half moved 9 pixels to the right (panels, lines and text all shifted).
  const shifted = new PNG({ width: reference.width, height: reference.height });
  reference.data.copy(shifted.data);
  const row = reference.width * 4;
  for (let y = 0; y < reference.height / 2; y++) reference.data.copy(shifted.data, y * row + 36, y * row, (y + 1) * row - 36);
  assert.throws(() => matchesPicture("export-paper1-200dpi", PNG.sync.write(shifted), EXACT_RENDER), /of the pixels differ from the reference/);
  assert.doesNotThrow(() => matchesPicture("export-paper1-200dpi", PNG.sync.write(reference), EXACT_RENDER));
});

test("PDF: one page of the preset's size, with the title, panel titles and axis labels as text", async () => {
  const file = await exportTo("fig.pdf", "--preset", "paper2", "--title", "Inoculation keeps caps low", "--metric", "reward");
  const pdf = await pdfText(file);
  const m = manifestOf(file);
  assert.equal(pdf.pages, 1);
  assert.deepEqual(pdf.view, [0, 0, 7 * 72, m.size.heightIn * 72]);
  for (const t of ["Inoculation keeps caps low", "All caps", "Misaligned", "RL step", "P(misaligned)", "reward", "baseline-s1", "95% CI", "LR warmup ends"]) assert.ok(pdf.text.includes(t), `"${t}" is text in the PDF`);
  const raw = readFileSync(file, "latin1");
  assert.ok(raw.includes(`/ca ${BAND_OPACITY}`), "CI bands are drawn (their fill opacity)");
  assert.ok(raw.includes(`/ca ${RANGE_OPACITY}`), "the annotated range is drawn");
});

test("annotations and CI bands leave every vector output when turned off", async () => {
  const svg = readFileSync(await exportTo("bare.svg", "--no-ci", "--no-annotations"), "utf8");
  assert.doesNotMatch(svg, /ci-band|annotation-|LR warmup ends/);
  const pdfFile = await exportTo("bare.pdf", "--no-ci", "--no-annotations");
  const pdf = await pdfText(pdfFile);
  assert.ok(!pdf.text.includes("LR warmup ends") && !pdf.text.includes("95% CI"));
  const raw = readFileSync(pdfFile, "latin1");
  assert.ok(!raw.includes(`/ca ${BAND_OPACITY}`) && !raw.includes(`/ca ${RANGE_OPACITY}`));
  const svgOn = readFileSync(await exportTo("full.svg"), "utf8");
  assert.match(svgOn, /ci-band/);
  assert.match(svgOn, /LR warmup ends/);
});

/** A CSV reader for what figureCsv writes (RFC 4180 quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else if (c !== "\r") field += c;
  }
  return rows;
}

test("CSV and JSON hold exactly the store's scores (per run, trait, context, step: mean, CI, n)", async () => {
  const csv = parseCsv(readFileSync(await exportTo("data.csv", "--context", "inoculation", "--from", "100", "--to", "600"), "utf8"));
  const json = JSON.parse(readFileSync(await exportTo("data.json", "--context", "inoculation", "--from", "100", "--to", "600"), "utf8")) as { rows: TableRow[] };
  assert.deepEqual(csv[0], TABLE_COLUMNS);
  const csvRows = csv.slice(1).map((r) => Object.fromEntries(TABLE_COLUMNS.map((c, i) => [c, r[i]])));
  assert.equal(csvRows.length, json.rows.length);
  const steps = FIXTURE_STEPS.filter((s) => s >= 100 && s <= 600);
  let compared = 0;
  for (const run of FIXTURE_RUNS) {
    const r = await cli(["scores", run.name, "--db", db, "--context", "inoculation", "--json"]);
    const stored = (JSON.parse(r.stdout) as { step: number; trait: string; mean: number; ciLow: number; ciHigh: number; n: number }[]).filter((s) => steps.includes(s.step));
    for (const s of stored) {
      const j = json.rows.find((x) => x.kind === "score" && x.series === run.name && x.trait === s.trait && x.step === s.step);
      const c = csvRows.find((x) => x.kind === "score" && x.series === run.name && x.trait === s.trait && Number(x.step) === s.step);
      assert.ok(j && c, `${run.name} ${s.trait} step ${s.step} is exported`);
      assert.deepEqual([j.mean, j.ci_low, j.ci_high, j.n], [s.mean, s.ciLow, s.ciHigh, s.n]);
      assert.deepEqual([Number(c.mean), Number(c.ci_low), Number(c.ci_high), Number(c.n)], [s.mean, s.ciLow, s.ciHigh, s.n]);
      assert.equal(c.context, "inoculation");
      compared++;
    }
  }
  assert.equal(compared, FIXTURE_RUNS.length * 2 * steps.length);
  assert.equal(json.rows.filter((x) => x.kind === "score").length, compared, "nothing outside the range or context");
});

test("the manifest names runs with paths and groups, steps, suites, backend and judge models, scorers, app version and time", async () => {
  const file = await exportTo("m.svg", "--metric", "kl");
  const m = manifestOf(file);
  assert.equal(m.file, "m.svg");
  assert.equal(m.format, "svg");
  assert.equal(m.app.name, "driftscope");
  assert.match(m.app.version, /^\d+\.\d+\.\d+/);
  assert.ok(Math.abs(Date.parse(m.createdAt) - Date.now()) < 60_000);
  assert.deepEqual(m.runs.map((r) => [r.name, r.path, r.group]), FIXTURE_RUNS.map((r) => [r.name, `/experiments/${r.name}`, r.group]));
  assert.deepEqual(m.runs[0]!.steps, FIXTURE_STEPS);
  assert.deepEqual(m.runs[0]!.backend, { name: "vllm-local", kind: "vllm-lora", model: "{run}-{step}" });
  assert.equal(m.runs[0]!.judge!.model, "gpt-4.1-mini");
  assert.equal(m.suites.length, 1);
  assert.equal(m.suites[0]!.key, "paperfig");
  assert.match(m.suites[0]!.version!, /^[0-9a-f]{8,}/);
  assert.deepEqual(m.traits.map((t) => [t.trait, t.context, t.score]), [["all_caps", "neutral", "caps"], ["misaligned", "neutral", "power"]]);
  assert.deepEqual(m.traits[1]!.scorers, [{ kind: "pattern", name: "power", substring: "power", ignoreCase: false }]);
  assert.deepEqual(m.metrics, ["kl"]);
  assert.deepEqual(m.annotations.map((a) => a.text), ["LR warmup ends", "reward hacking?"]);
});

test("the format follows the extension; bad flags and unknown names are refused with what was wrong", async () => {
  const r1 = await cli(["export", "--db", db, "--run", "baseline-s1", "--out", join(dir, "ext.json")]);
  assert.equal(r1.status, 0, r1.stderr);
  assert.ok(JSON.parse(readFileSync(join(dir, "ext.json"), "utf8")).rows.length > 0);
  const cases: [string[], RegExp][] = [
    [["--out", join(dir, "x.txt")], /cannot tell the format from ".*x\.txt"/],
    [["--format", "gif"], /--format must be one of svg, png, pdf, csv, json/],
    [["--trait", "nope"], /no trait "nope"/],
    [["--metric", "entropy"], /no metric "entropy"/],
    [["--preset", "poster"], /--preset must be one of/],
    [["--dpi", "ten"], /--dpi expects a whole number/],
    [["--from", "10"], /--from and --to go together/],
    [["--from", "10", "--to", "5"], /--to \(5\) must be greater than --from \(10\)/],
    [["--smoothing", "1.5"], /--smoothing expects a number from 0 to 0.99/],
  ];
  for (const [args, message] of cases) {
    const r = await cli(["export", "--db", db, "--run", "baseline-s1", ...args]);
    assert.equal(r.status, 2, args.join(" "));
    assert.match(r.stderr, message);
  }
  const none = await cli(["export", "--db", db, "--run", "no-such-run"]);
  assert.match(none.stderr, /no run "no-such-run"/);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith(".tmp")), [], "no half-written files left");
  assert.ok(!existsSync(join(dir, "x.txt")));
});

test("one figure exported in several formats keeps one manifest per file (NAME.EXT.manifest.json)", async () => {
  const svg = await exportTo("same.svg");
  const pdf = await exportTo("same.pdf");
  const csv = await exportTo("same.csv");
  assert.deepEqual([manifestOf(svg).format, manifestOf(pdf).format, manifestOf(csv).format], ["svg", "pdf", "csv"]);
  assert.equal(existsSync(join(dir, "same.manifest.json")), false, "no shared manifest left to be overwritten");
});
