import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_DRIFT, formatViewState, parseViewState, type ViewState } from "../../shared/viewState.js";

test("a view survives the round trip through the URL fragment, and defaults are left out", () => {
  const view: ViewState = {
    tab: "checkpoint",
    checkpoint: { runId: 3, step: 120, trait: "all_caps", context: "training prompt" },
    drift: { layout: "overlay", context: "inoculation", xAxis: "time", smoothing: 0.6, bands: false, metrics: ["reward"], zoom: [100.5, 2000], rollouts: false, rolloutMeasure: "share", yRange: "0-1", groupsOnly: true, yCustom: null, metricScale: "log", changes: true },
  };
  const fragment = formatViewState(view);
  assert.deepEqual(parseViewState(fragment), view);
  assert.equal(formatViewState({ tab: "drift", checkpoint: null, drift: DEFAULT_DRIFT }), "#drift");
  assert.deepEqual(parseViewState("#drift"), { tab: "drift", checkpoint: null, drift: DEFAULT_DRIFT });
  // The fragment serve --demo prints still opens the experiment.
  assert.equal(parseViewState("#experiment").tab, "experiment");
  // No metrics chosen is a choice, not the default.
  assert.deepEqual(parseViewState(formatViewState({ tab: "drift", checkpoint: null, drift: { ...DEFAULT_DRIFT, metrics: [] } })).drift.metrics, []);
});

test("an unreadable fragment gives the defaults for what it cannot read, never an error", () => {
  for (const bad of ["", "#", "#nonsense", "#drift?layout=spiral&smooth=7&zoom=9~2&x=weeks&bands=maybe", "#checkpoint?run=-1&step=x", "#drift?zoom=a~b&smooth=", "#%E0%A4%A"]) {
    const v = parseViewState(bad);
    assert.equal(v.drift.layout, "multiples", bad);
    assert.equal(v.drift.smoothing, 0, bad);
    assert.equal(v.drift.zoom, null, bad);
    assert.equal(v.drift.xAxis, "step", bad);
  }
  assert.equal(parseViewState("#checkpoint?run=-1&step=x").tab, "drift", "no checkpoint to show: the drift view");
  // A custom y range needs two ordered bounds; without them the range is fitted to the data.
  assert.equal(parseViewState("#drift?y=custom&ycustom=5~1").drift.yRange, "auto");
  assert.equal(parseViewState("#drift?y=custom").drift.yRange, "auto");
});

test("a custom y range round-trips with its bounds", () => {
  const drift = { ...DEFAULT_DRIFT, yRange: "custom" as const, yCustom: [-0.5, 42] as [number, number] };
  const fragment = formatViewState({ tab: "drift", checkpoint: null, drift });
  assert.match(fragment, /ycustom=-0\.5(~|%7E)42/);
  assert.deepEqual(parseViewState(fragment).drift, drift);
});
