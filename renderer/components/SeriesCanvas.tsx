// The app draws a panel's grid, CI bands and lines on a canvas under the panel's SVG: the same d3 scales and the same
// per-pixel-column decimation as DriftPanel's SVG (which exports use), drawn straight onto the canvas instead of
// formatting hundreds of thousands of coordinates into path strings. The canvas carries what it drew
// as data attributes (series count, their points in all, smoothed count, a digest of the drawn coordinates), so
// tests can see it.
import { memo, useLayoutEffect, useRef } from "react";
import { decimateIndices, seriesBand, seriesColumnar } from "../../shared/chart/decimate.js";
import { fillBand, strokeIndexed, type Linear } from "../../shared/chart/canvasPaths.js";
import { markDrawn } from "../userTiming.js";
import { dashOf } from "../../shared/chart/seriesStyle.js";
import { BAND_OPACITY, gridColour, panelScales, panelTicks, smoothedColumnar, type PanelProps } from "../../shared/chart/DriftPanel.js";

/** Only what the canvas draws decides a redraw: hovering, annotations or a new but equal domain leave it as drawn. */
function sameDrawing(a: PanelProps, b: PanelProps): boolean {
  return (
    a.series === b.series &&
    a.xDomain[0] === b.xDomain[0] &&
    a.xDomain[1] === b.xDomain[1] &&
    a.yDomain?.[0] === b.yDomain?.[0] &&
    a.yDomain?.[1] === b.yDomain?.[1] &&
    a.width === b.width &&
    a.height === b.height &&
    a.showBands === b.showBands &&
    a.theme === b.theme &&
    a.fontSize === b.fontSize &&
    a.lineWidth === b.lineWidth &&
    a.yLabel === b.yLabel &&
    a.yLog === b.yLog
  );
}

export const SeriesCanvas = memo(function SeriesCanvas(p: PanelProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  // Drawn in a layout effect, so it is on screen in the same frame as the SVG (and inside the pan timing).
  useLayoutEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const dpr = window.devicePixelRatio || 1;
    // Resizing reallocates the backing store: only when the size changed, not on every pan frame (the context is
    // reset and cleared below either way).
    const w = Math.round(p.width * dpr);
    const h = Math.round(p.height * dpr);
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== h) canvas.height = h;
    const ctx = canvas.getContext("2d");
    if (!ctx) return;
    // Without a resize the context keeps its state from the last drawing (a group mean leaves a dash pattern).
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.setLineDash([]);
    ctx.globalAlpha = 1;
    ctx.clearRect(0, 0, p.width, p.height);
    const { x, y, margins } = panelScales(p);
    // Both scales are linear: the shapes use one multiply-add per coordinate rather than a scale call.
    const m: Linear = { ax: x(1) - x(0), bx: x(0), ay: y(1) - y(0), by: y(0) };
    const [x0, x1] = p.xDomain;
    const lw = p.lineWidth ?? 1.6;

    ctx.strokeStyle = gridColour(p.theme);
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (const t of panelTicks(p, x, y).yTicks) {
      ctx.moveTo(margins.left, Math.round(y(t)) + 0.5);
      ctx.lineTo(p.width - margins.right, Math.round(y(t)) + 0.5);
    }
    ctx.stroke();

    ctx.save();
    ctx.beginPath();
    ctx.rect(margins.left, margins.top, p.width - margins.left - margins.right, p.height - margins.top - margins.bottom);
    ctx.clip();
    if (p.showBands !== false) {
      ctx.globalAlpha = BAND_OPACITY;
      for (const s of p.series) {
        ctx.fillStyle = s.colour;
        fillBand(ctx, seriesBand(s), x0, x1, m);
      }
      ctx.globalAlpha = 1;
    }
    let digest = 2166136261;
    let smoothedCount = 0;
    let points = 0;
    for (const s of p.series) {
      const smoothed = !!s.smoothed;
      ctx.strokeStyle = s.colour;
      const width = s.mean ? lw * 1.5 : lw;
      const dash = dashOf(s, lw);
      ctx.setLineDash(dash);
      ctx.lineWidth = smoothed ? width * 0.6 : width;
      ctx.globalAlpha = smoothed ? 0.35 : 1;
      // Indexes into the columns, in a scratch array the next decimation reuses: each line is stroked before the next.
      const c = seriesColumnar(s);
      points += c.xs.length;
      const raw = decimateIndices(c, x0, x1, x);
      digest = strokeIndexed(ctx, c, raw.idx, raw.n, m, digest);
      if (smoothed) {
        smoothedCount++;
        ctx.setLineDash(dash);
        ctx.globalAlpha = 1;
        ctx.lineWidth = width * 1.1;
        const sc = smoothedColumnar(s);
        const smooth = decimateIndices(sc, x0, x1, x);
        digest = strokeIndexed(ctx, sc, smooth.idx, smooth.n, m, digest);
      }
    }
    ctx.restore();
    canvas.dataset.seriesCount = String(p.series.length);
    canvas.dataset.points = String(points);
    canvas.dataset.smoothed = String(smoothedCount);
    canvas.dataset.digest = digest.toString(16);
    markDrawn(p.title, p.series.length, points);
  });
  return <canvas ref={ref} className="series-layer" style={{ width: p.width, height: p.height }} aria-hidden="true" />;
}, sameDrawing);
