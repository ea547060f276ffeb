// Exporting experiment views from the command line: each view as SVG, PNG and PDF at a preset's width with its
// manifest, the matrix SVG against its snapshot, and the matrix as CSV and LaTeX; wrong combinations refused.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import test from "node:test";
import { buildExperimentDb } from "../support/experimentDb.js";
import { cli } from "../support/cli.js";
import { matchesSnapshot } from "../support/snapshot.js";
import { tempDir } from "../support/tmp.js";

test("experiment views export as SVG, PNG and PDF with manifests; the matrix also as CSV and LaTeX", { timeout: 120_000 }, async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "w.db");
  // Condition 1 lowers trait 1 by 0.3; condition 2 leaves every trait alone.
  buildExperimentDb(db, { conditions: 3, seeds: 3, traits: 3, contexts: 2, checkpoints: 3, items: 10, sampledSteps: "every", score: ({ condition, seed, item, context, trait }) => Math.min(1, Math.max(0, 0.5 + 0.04 * ((item * 3 + seed) % 5) + 0.05 * context - (condition === 1 && trait === 1 ? 0.3 : 0))) });
  const made = await cli(["experiment", "create", "exp", "--control", "condition0", "--group", "condition1", "--group", "condition2", "--db", db]);
  assert.equal(made.status, 0, made.stderr);

  const matrixSvg = join(dir, "matrix.svg");
  let r = await cli(["export", "--db", db, "--experiment", "exp", "--view", "matrix", "--context", "ctx0", "--out", matrixSvg]);
  assert.equal(r.status, 0, r.stderr);
  const svg = readFileSync(matrixSvg, "utf8");
  assert.match(svg, /^<\?xml[^>]*>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="7in"/, "the preset's width (paper2, 7 in)");
  for (const c of ["condition1", "condition2"]) for (const tr of ["trait0", "trait1", "trait2"]) assert.ok(svg.includes(`data-cell="${c}/${tr}"`), `${c}/${tr}`);
  assert.match(svg, /−?-0\.300|-0\.300/, "condition1's Δ on trait1 is drawn");
  matchesSnapshot("experiment-matrix", svg);
  const manifest = JSON.parse(readFileSync(`${matrixSvg}.manifest.json`, "utf8")) as Record<string, unknown>;
  assert.equal(manifest.view, "matrix");
  assert.equal(manifest.context, "ctx0");
  assert.match(String(manifest.statistics), /two-level bootstrap/);

  for (const view of ["grid", "scatter", "steps"] as const) {
    for (const format of ["svg", "png", "pdf"] as const) {
      const out = join(dir, `${view}.${format}`);
      r = await cli(["export", "--db", db, "--experiment", "exp", "--view", view, "--trait", "trait1", "--preset", "paper1", "--dpi", "100", "--out", out]);
      assert.equal(r.status, 0, `${view} ${format}: ${r.stderr}`);
      const bytes = readFileSync(out);
      if (format === "png") {
        assert.equal(bytes.subarray(1, 4).toString(), "PNG");
        assert.equal(bytes.readUInt32BE(16), 350, "3.5 in at 100 dpi");
      } else if (format === "pdf") assert.equal(bytes.subarray(0, 5).toString(), "%PDF-");
      else assert.match(bytes.toString(), /width="3.5in"/);
    }
  }
  const steps = readFileSync(join(dir, "steps.svg"), "utf8");
  assert.equal((steps.match(/data-condition="/g) ?? []).length, 2, "a Δ line for each compared condition");
  assert.match(readFileSync(join(dir, "scatter.svg"), "utf8"), /\(control\)/);

  r = await cli(["export", "--db", db, "--experiment", "exp", "--context", "ctx0", "--out", join(dir, "m.tex")]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(readFileSync(join(dir, "m.tex"), "utf8"), /\\toprule/);
  // Compiled as a paper would include it (a TeX engine with booktabs, which .ci/run installs).
  compileTable(t, dir, "m.tex");
  r = await cli(["export", "--db", db, "--experiment", "exp", "--format", "csv", "--out", join(dir, "m.csv")]);
  assert.equal(r.status, 0, r.stderr);

  r = await cli(["export", "--db", db, "--experiment", "exp", "--view", "grid", "--format", "tex"]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /csv and tex are the effect matrix's/);
  r = await cli(["export", "--db", db, "--experiment", "exp", "--view", "pie", "--format", "svg"]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--view/);
  r = await cli(["export", "--db", db, "--experiment", "exp", "--view", "grid", "--trait", "nope", "--format", "svg"]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /no trait "nope"/);
});

/** Compiles a LaTeX table in a minimal article with booktabs; says in one line why not where there is no TeX engine. */
function compileTable(t: { diagnostic(message: string): void }, dir: string, table: string): void {
  const which = spawnSync("sh", ["-c", "command -v pdflatex && kpsewhich booktabs.sty"], { encoding: "utf8" });
  if (which.status !== 0) {
    t.diagnostic(`the LaTeX table was checked structurally only: no pdflatex with booktabs here (apt-get install texlive-latex-base texlive-latex-recommended)`);
    return;
  }
  writeFileSync(join(dir, "paper.tex"), `\\documentclass{article}\n\\usepackage{booktabs}\n\\begin{document}\n\\input{${table}}\n\\end{document}\n`);
  const r = spawnSync("pdflatex", ["-interaction=nonstopmode", "-halt-on-error", "paper.tex"], { cwd: dir, encoding: "utf8", timeout: 120_000 });
  assert.equal(r.status, 0, `pdflatex failed: ${r.stdout.slice(-2000)}`);
  assert.ok(readFileSync(join(dir, "paper.pdf")).subarray(0, 5).toString() === "%PDF-", "a PDF was written");
}
