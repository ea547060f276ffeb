// User Timing entries the app leaves for DevTools and the benchmarks: a pan's duration, and each time a panel's
// canvas layer finished drawing (with the panel and how many series it drew). Entries are cleared in bulk now and
// then, so a long-lived window does not accumulate them without bound.
const LIMIT = 2000;
let count = 0;

function bounded(): void {
  if (++count < LIMIT) return;
  count = 0;
  performance.clearMarks("driftscope:drawn");
  performance.clearMeasures("driftscope:pan");
}

export function markPan(start: number): void {
  performance.measure("driftscope:pan", { start });
  bounded();
}

export function markDrawn(panel: string, series: number): void {
  performance.mark("driftscope:drawn", { detail: { panel, series } });
  bounded();
}
