// The interactive layer over a chart panel: hover crosshair with every run's value ± CI, click to open a checkpoint,
// wheel to zoom and drag to pan the shared x range, shift-drag or the "a" key to annotate.
import { memo, useLayoutEffect, useRef, useState, useSyncExternalStore } from "react";
import { flushSync } from "react-dom";
import type { Crosshair } from "./crosshair.js";
import { indexAt, nearestIndex, pointAt, seriesColumnar } from "../../shared/chart/decimate.js";
import { DriftPanel, MARGIN, panelScales, type PanelProps } from "../../shared/chart/DriftPanel.js";
import { SeriesCanvas } from "./SeriesCanvas.js";
import { markPanAfterPaint } from "../userTiming.js";

export interface PanelEvents {
  onZoom(domain: [number, number]): void;
  onOpen?(seriesKey: string, x: number): void;
  onAnnotate?(seriesKey: string, x: number, to: number | null): void;
}

/** The x of the data point nearest to v across all series (binary search in each; no per-render scans). */
function nearestX(series: PanelProps["series"], v: number): number | null {
  let best: number | null = null;
  for (const s of series) {
    const c = seriesColumnar(s);
    const i = nearestIndex(c, v);
    if (i >= 0 && (best === null || Math.abs(c.xs[i]! - v) < Math.abs(best - v))) best = c.xs[i]!;
  }
  return best;
}

/** The shared crosshair's line in one panel: re-renders alone when the pointer moves in any panel. */
function CrosshairLine({ crosshair, left, top, height, domain }: { crosshair: Crosshair; left: (x: number) => number; top: number; height: number; domain: [number, number] }) {
  const at = useSyncExternalStore(crosshair.subscribe, crosshair.get);
  if (at === null || at < domain[0] || at > domain[1]) return null;
  return <div className="crosshair" aria-hidden="true" style={{ left: Math.round(left(at)), top, height }} />;
}

export const InteractivePanel = memo(function InteractivePanel(props: PanelProps & PanelEvents & { formatX?: (x: number) => string; crosshair?: Crosshair }) {
  const { onZoom, onOpen, onAnnotate, formatX, crosshair, ...panel } = props;
  const [hover, setHover] = useState<{ x: number; px: number; py: number } | null>(null);
  const drag = useRef<{ startPx: number; domain: [number, number]; shift: boolean; startX: number } | null>(null);
  const [draft, setDraft] = useState<[number, number] | null>(null);
  // User Timing: how long a pan takes from the mouse event to the frame that painted it (visible in DevTools, read
  // by the benchmark).
  const panStart = useRef<number | null>(null);
  useLayoutEffect(() => {
    if (panStart.current === null) return;
    markPanAfterPaint(panStart.current);
    panStart.current = null;
  });
  const { x, y } = panelScales(panel);
  const toX = (clientX: number, el: HTMLElement) => x.invert(clientX - el.getBoundingClientRect().left);
  // On a log scale the values drawn are log10 of the quantity: the tooltip reads the quantity.
  const fmt = (v: number | null | undefined) => (v === null || v === undefined ? "–" : Number((panel.yLog ? 10 ** v : v).toPrecision(3)).toString());
  const rows = hover
    ? panel.series
        .map((s) => ({ s, p: pointAt(s, indexAt(seriesColumnar(s), hover.x)) }))
        .filter((r) => r.p && r.p.y !== null)
        .map((r) => ({ key: r.s.key, label: r.s.label, colour: r.s.colour, y: r.p!.y!, lo: r.p!.lo, hi: r.p!.hi }))
    : [];
  const nearestSeries = (clientY: number, el: HTMLElement) => {
    const vy = y.invert(clientY - el.getBoundingClientRect().top);
    return rows.reduce<(typeof rows)[number] | null>((best, r) => (!best || Math.abs(r.y - vy) < Math.abs(best.y - vy) ? r : best), null);
  };
  return (
    <div
      className="panel"
      data-panel={panel.title}
      tabIndex={0}
      onMouseMove={(e) => {
        const el = e.currentTarget;
        const vx = toX(e.clientX, el);
        if (drag.current) {
          if (drag.current.shift) setDraft([drag.current.startX, vx]);
          else {
            panStart.current = e.timeStamp; // when the input happened, on performance.now()'s clock
            const shift = x.invert(drag.current.startPx) - x.invert(e.clientX - el.getBoundingClientRect().left);
            const domain: [number, number] = [drag.current.domain[0] + shift, drag.current.domain[1] + shift];
            // Rendered now, inside the event: Chromium hands mouse moves over at the start of a frame, and React
            // would otherwise render a continuous event's update in a task after that frame has painted, so every
            // pan step would show one frame late.
            flushSync(() => onZoom(domain));
          }
          return;
        }
        const near = nearestX(panel.series, vx);
        const r = el.getBoundingClientRect();
        setHover(near === null ? null : { x: near, px: e.clientX - r.left, py: e.clientY - r.top });
        crosshair?.set(near ?? vx);
      }}
      onMouseLeave={() => {
        setHover(null);
        crosshair?.set(null);
      }}
      // Pointing at a panel gives it the keyboard, so "a" annotates where the pointer is without tabbing first;
      // never taken from a field being typed in.
      onMouseEnter={(e) => {
        if (!document.activeElement?.closest("input, textarea, select, [contenteditable]")) e.currentTarget.focus({ preventScroll: true });
      }}
      onMouseDown={(e) => {
        const el = e.currentTarget;
        drag.current = { startPx: e.clientX - el.getBoundingClientRect().left, domain: panel.xDomain, shift: e.shiftKey, startX: toX(e.clientX, el) };
      }}
      onMouseUp={(e) => {
        const d = drag.current;
        drag.current = null;
        const el = e.currentTarget;
        const moved = d ? Math.abs(e.clientX - el.getBoundingClientRect().left - d.startPx) > 4 : false;
        if (d?.shift && moved && onAnnotate && rows[0]) {
          const a = nearestX(panel.series, Math.min(d.startX, toX(e.clientX, el)))!;
          const b = nearestX(panel.series, Math.max(d.startX, toX(e.clientX, el)))!;
          // The run pointed at (the series nearest the pointer), not the first one drawn.
          onAnnotate((nearestSeries(e.clientY, el) ?? rows[0]).key, a, b);
        } else if (!moved && hover && onOpen) {
          const s = nearestSeries(e.clientY, el);
          if (s) onOpen(s.key, hover.x);
        }
        setDraft(null);
      }}
      onWheel={(e) => {
        const el = e.currentTarget;
        const c = toX(e.clientX, el);
        const k = e.deltaY > 0 ? 1.25 : 0.8;
        const [a, b] = panel.xDomain;
        onZoom([c - (c - a) * k, c + (b - c) * k]);
      }}
      onKeyDown={(e) => {
        if (e.key === "a" && hover && onAnnotate && rows[0]) onAnnotate((nearestSeries(hover.py + e.currentTarget.getBoundingClientRect().top, e.currentTarget) ?? rows[0]).key, hover.x, null);
      }}
    >
      <SeriesCanvas {...panel} />
      <DriftPanel {...panel} seriesLayer="canvas" crosshairX={crosshair ? null : (hover?.x ?? null)} />
      {crosshair ? <CrosshairLine crosshair={crosshair} left={x} top={MARGIN.top} height={panel.height - MARGIN.top - MARGIN.bottom} domain={panel.xDomain} /> : null}
      {draft ? <div className="draft" style={{ position: "absolute", top: MARGIN.top, left: Math.min(x(draft[0]), x(draft[1])), width: Math.abs(x(draft[1]) - x(draft[0])), height: panel.height - MARGIN.top - MARGIN.bottom, background: "rgba(0,114,178,.15)" }} /> : null}
      {hover && rows.length > 0 ? (
        // On the pointer's right in the panel's left half, on its left in the right half: never past the edge.
        <div className="tooltip" role="tooltip" style={{ ...(hover.px < panel.width / 2 ? { left: hover.px + 12 } : { right: panel.width - hover.px + 12 }), top: Math.max(0, hover.py - 10) }}>
          <div>
            <strong>{formatX ? formatX(hover.x) : `step ${hover.x}`}</strong>
          </div>
          {rows.map((r) => (
            <div key={r.key}>
              <span style={{ color: r.colour }}>●</span> {r.label}: {fmt(r.y)}
              {r.lo != null && r.hi != null ? ` [${fmt(r.lo)}, ${fmt(r.hi)}]` : ""}
            </div>
          ))}
        </div>
      ) : null}
    </div>
  );
});
