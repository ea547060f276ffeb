// User Timing entries the app leaves for DevTools, the benchmarks and the tests: a pan's duration, each time a
// panel's canvas layer finished drawing (with the panel, how many series it drew and their points), and the start-up
// prefetch's questions, asked and taken (prefetch.ts). Entries are cleared in bulk now and then, so a long-lived
// window does not accumulate them without bound.
const LIMIT = 2000;
let count = 0;

function bounded(): void {
  if (++count < LIMIT) return;
  count = 0;
  performance.clearMarks("driftscope:drawn");
  performance.clearMeasures("driftscope:pan");
  performance.clearMarks("driftscope:prefetch-asked");
  performance.clearMarks("driftscope:prefetch-taken");
}

/** A pan's duration from its input event to the frame that shows it having painted: the next animation frame
 * runs before that paint, and a message posted from it is delivered after. */
export function markPanAfterPaint(start: number): void {
  requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      performance.measure("driftscope:pan", { start });
      bounded();
      channel.port1.close();
    };
    channel.port2.postMessage(null);
  });
}

export function markDrawn(panel: string, series: number, points: number): void {
  performance.mark("driftscope:drawn", { detail: { panel, series, points } });
  bounded();
}

/** A question the start-up prefetch asked early ("asked"), or whose early answer a view took ("taken"). */
export function markPrefetch(method: string, what: "asked" | "taken"): void {
  performance.mark(`driftscope:prefetch-${what}`, { detail: { method } });
  bounded();
}
