// The figure as a standalone SVG document, rendered with react-dom/server, which runs alike in Node (the CLI, the
// core) and in the browser (the app's export), so both produce the same bytes for the same spec and data. Kept
// apart from Figure.tsx so the app loads the server renderer only when it exports.
import { renderToStaticMarkup } from "react-dom/server";
import { Figure } from "./Figure.js";
import type { FigureModel } from "./figureLayout.js";

/** XML declaration, namespace, physical size in inches. */
export function renderFigureSvg(figure: FigureModel): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${renderToStaticMarkup(<Figure figure={figure} />)}\n`;
}
