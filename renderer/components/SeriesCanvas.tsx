// The app draws a panel's grid, CI bands and lines on a canvas under the panel's SVG: d3 computes the same scales,
// decimated points and shapes as DriftPanel's SVG (which exports use), and draws them straight onto the canvas
// instead of formatting hundreds of thousands of coordinates into path strings. The canvas carries what it drew
// as data attributes (series count, smoothed count, a digest of the drawn coordinates), so tests can see it.
import { area, line } from "d3";
import { memo, useLayoutEffect, useRef } from "react";
import { columnar, decimateRange, type XY } from "../../shared/chart/decimate.js";
import { BAND_OPACITY, bandPoints, gridColour, panelScales, panelTicks, smoothedPoints, type BandPoint, type PanelProps } from "../../shared/chart/DriftPanel.js";

/** FNV-1a over drawn coordinates in tenths of a pixel: changes whenever what is drawn changes. */
function digestOf(points: XY[], x: (v: number) => number, y: (v: number) => number, h: number): number {
  for (const p of points) {
    if (p.y === null) continue;
    h = Math.imul(h ^ Math.round(x(p.x) * 10), 16777619) >>> 0;
    h = Math.imul(h ^ Math.round(y(p.y) * 10), 16777619) >>> 0;
  }
  return h;
}

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
    a.yLabel === b.yLabel
  );
}

export const SeriesCanvas = memo(function SeriesCanvas(p: PanelProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  // Drawn in a layout effect, so it is on screen in the same frame as the SVG (and inside the pan timing).
  useLayoutEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(p.width * dpr);
    canvas.height = Math.round(p.height * dpr);
    const ctx = canvas.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, p.width, p.height);
    const { x, y, margins: m } = panelScales(p);
    const [x0, x1] = p.xDomain;
    const lw = p.lineWidth ?? 1.6;

    ctx.strokeStyle = gridColour(p.theme);
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (const t of panelTicks(p, x, y).yTicks) {
      ctx.moveTo(m.left, Math.round(y(t)) + 0.5);
      ctx.lineTo(p.width - m.right, Math.round(y(t)) + 0.5);
    }
    ctx.stroke();

    ctx.save();
    ctx.beginPath();
    ctx.rect(m.left, m.top, p.width - m.left - m.right, p.height - m.top - m.bottom);
    ctx.clip();
    if (p.showBands !== false) {
      const band = area<BandPoint>()
        .x((d) => x(d.x))
        .y0((d) => y(d.lo))
        .y1((d) => y(d.hi))
        .context(ctx);
      ctx.globalAlpha = BAND_OPACITY;
      for (const s of p.series) {
        ctx.fillStyle = s.colour;
        ctx.beginPath();
        band(bandPoints(s, x0, x1, x));
        ctx.fill();
      }
      ctx.globalAlpha = 1;
    }
    const path = line<XY>()
      .defined((d) => d.y !== null)
      .x((d) => x(d.x))
      .y((d) => y(d.y!))
      .context(ctx);
    let digest = 2166136261;
    let smoothedCount = 0;
    for (const s of p.series) {
      const raw = decimateRange(columnar(s.points), x0, x1, x);
      const smooth = s.smoothed ? decimateRange(columnar(smoothedPoints(s)), x0, x1, x) : null;
      ctx.strokeStyle = s.colour;
      ctx.setLineDash(s.dashed ? [lw * 3, lw * 2] : []);
      ctx.lineWidth = smooth ? lw * 0.6 : lw;
      ctx.globalAlpha = smooth ? 0.35 : 1;
      ctx.beginPath();
      path(raw);
      ctx.stroke();
      digest = digestOf(raw, x, y, digest);
      if (smooth) {
        smoothedCount++;
        ctx.setLineDash([]);
        ctx.globalAlpha = 1;
        ctx.lineWidth = lw * 1.1;
        ctx.beginPath();
        path(smooth);
        ctx.stroke();
        digest = digestOf(smooth, x, y, digest);
      }
    }
    ctx.restore();
    canvas.dataset.seriesCount = String(p.series.length);
    canvas.dataset.smoothed = String(smoothedCount);
    canvas.dataset.digest = digest.toString(16);
  });
  return <canvas ref={ref} className="series-layer" style={{ width: p.width, height: p.height }} aria-hidden="true" />;
}, sameDrawing);
