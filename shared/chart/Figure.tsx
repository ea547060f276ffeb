// A whole exported figure: title, legend and the panels, each panel the same DriftPanel the app draws on screen.
// figureSvg.tsx turns it into a standalone SVG string; the app's Export dialog shows it directly as its preview.
import { DriftPanel, FONT_FAMILY, round2 } from "./DriftPanel.js";
import type { FigureModel } from "./figureLayout.js";

export function Figure({ figure: f }: { figure: FigureModel }) {
  const fs = f.fontSize;
  const fg = f.theme === "dark" ? "#ddd" : "#222";
  const bg = f.theme === "dark" ? "#1e1e1e" : "#ffffff";
  return (
    <svg
      xmlns="http://www.w3.org/2000/svg"
      width={`${round2(f.widthIn)}in`}
      height={`${round2(f.heightIn)}in`}
      viewBox={`0 0 ${f.width} ${f.height}`}
      fontFamily={FONT_FAMILY}
      fontSize={fs}
      className="figure"
    >
      <rect width={f.width} height={f.height} fill={bg} />
      {f.title ? (
        <text className="figure-title" x={round2(fs * 0.8)} y={round2(fs * 0.8 + fs * 1.2)} fill={fg} fontSize={round2(fs * 1.3)} fontWeight="bold">
          {f.title}
        </text>
      ) : null}
      <g className="legend">
        {f.legend.map((e) => (
          <g key={e.label} transform={`translate(${e.x},${e.y})`}>
            {e.band ? (
              <rect y={round2(-fs * 0.65)} width={round2(fs * 2)} height={round2(fs * 0.7)} fill={e.colour} opacity={0.3} />
            ) : (
              <line y1={round2(-fs * 0.3)} y2={round2(-fs * 0.3)} x2={round2(fs * 2)} stroke={e.colour} strokeWidth={f.lineWidth * 1.2} strokeDasharray={e.dashed ? `${round2(f.lineWidth * 3)} ${round2(f.lineWidth * 2)}` : undefined} />
            )}
            <text x={round2(fs * 2.5)} fill={fg}>
              {e.label}
            </text>
          </g>
        ))}
      </g>
      {f.panels.map((p) => (
        <DriftPanel
          key={p.key}
          at={{ x: p.x, y: p.y }}
          idPrefix={`p${f.panels.indexOf(p)}-`}
          title={p.title}
          yLabel={p.yLabel}
          width={p.width}
          height={p.height}
          series={p.series}
          annotations={f.annotations}
          xDomain={f.xDomain}
          showBands={p.bands}
          xLabel={f.xLabel}
          theme={f.theme}
          fontSize={fs}
          lineWidth={f.lineWidth}
        />
      ))}
    </svg>
  );
}
