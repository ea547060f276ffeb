// What a panel draws, read from its SVG: annotations only where their run is drawn, the largest-change marker, the
// overlay's markers and end labels, a log scale's ticks, and group means in their group's hue.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { DriftPanel, type PanelProps, type PanelSeries } from "../../shared/chart/DriftPanel.js";
import { runPalette, tint } from "../../shared/chart/palette.js";

const line = (key: string, ys: number[], extra: Partial<PanelSeries> = {}): PanelSeries => ({ key, label: key, colour: "#0072B2", points: ys.map((y, i) => ({ x: i * 10, y })), ...extra });
const svg = (p: Partial<PanelProps>) => renderToStaticMarkup(createElement(DriftPanel, { title: "t", width: 400, height: 200, xDomain: [0, 50], series: [], ...p }));
const annotation = { id: 1, x: 20, to: null, text: "lr drop", colour: "#D55E00", runId: 2 };

test("an annotation is drawn only in panels that draw its run", () => {
  assert.doesNotMatch(svg({ series: [line("run:1", [1, 2, 3])], annotations: [annotation] }), /annotation-marker|lr drop/);
  assert.match(svg({ series: [line("run:1", [1, 2, 3]), line("run:2", [1, 2, 3])], annotations: [annotation] }), /annotation-marker[\s\S]*lr drop/);
  // The overlay's series keys carry the trait after the run.
  assert.match(svg({ series: [line("run:2:all_caps", [1, 2, 3])], annotations: [annotation] }), /annotation-marker/);
  // An annotation with no run (older exports) is drawn everywhere.
  assert.match(svg({ series: [line("run:1", [1, 2, 3])], annotations: [{ ...annotation, runId: undefined }] }), /annotation-marker/);
});

test("the largest change is ringed at the step it reached, with its size", () => {
  const out = svg({ series: [line("run:1", [0.1, 0.15, 0.6, 0.55, 0.5])], changeMarkers: true });
  assert.match(out, /class="change-marker" data-series="run:1"><circle cx="([\d.]+)"/);
  assert.match(out, /Δ\+0\.45/);
  assert.doesNotMatch(svg({ series: [line("run:1", [0.1, 0.15, 0.6])] }), /change-marker/);
});

test("overlay traits carry their markers and an end label; a mean is heavier than its runs", () => {
  const out = svg({ series: [line("run:1:a", [1, 2, 3], { marker: "square", endLabel: "All caps", dash: [4, 2] }), line("group:g", [1, 2, 3], { mean: true, dashed: true })], seriesLayer: "svg", lineWidth: 2 });
  assert.match(out, /class="marker" d="M[^"]*h[^"]*v/, "square markers");
  assert.match(out, /class="end-label"[^>]*>All caps</);
  assert.match(out, /stroke-dasharray="8 4"/, "the trait's dash in line widths");
  assert.match(out, /stroke-width="3"/, "the mean at 1.5 line widths");
});

test("a log scale's ticks are powers of ten read as the quantity", () => {
  const out = svg({ series: [line("run:1", [-2, -1, 0, 1, 2])], yLog: true });
  for (const label of ["0.01", "0.1", ">1<", "10", "100"]) assert.ok(out.includes(label.startsWith(">") ? label : `>${label}<`), label);
});

test("seeds of a group are tints of its hue, the group keeps the hue, and a chosen colour is kept", () => {
  const p = runPalette([
    { id: 1, color: null, group: "inoculated", seed: 2 },
    { id: 2, color: null, group: "baseline", seed: 1 },
    { id: 3, color: null, group: "baseline", seed: 0 },
    { id: 4, color: null, group: null, seed: null },
    { id: 5, color: "#123456", group: "inoculated", seed: 1 },
  ]);
  assert.equal(p.groups.get("baseline"), "#0072B2");
  assert.equal(p.groups.get("inoculated"), "#E69F00");
  assert.equal(p.runs.get(3), tint("#0072B2", 0.2), "seed 0 first, the darkest tint");
  assert.equal(p.runs.get(2), tint("#0072B2", 0.6));
  assert.equal(p.runs.get(5), "#123456");
  assert.equal(p.runs.get(4), "#009E73", "an ungrouped run takes the next hue");
  assert.equal(tint("#000000", 0.5), "#808080");
});
