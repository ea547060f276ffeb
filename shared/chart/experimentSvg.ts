// An experiment figure as a standalone SVG document, rendered with react-dom/server (in the core, for every format);
// apart from experimentFigures.tsx so the app's bundle does not load the server renderer to show the view.
import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";

/** The standalone document at a physical width (inches; the drawing scales, its aspect kept). */
export function renderExperimentSvg(figure: { el: ReactElement; width: number; height: number }, widthIn: number): { svg: string; widthIn: number; heightIn: number } {
  const heightIn = (widthIn * figure.height) / figure.width;
  const inner = renderToStaticMarkup(figure.el);
  // The outer element carries the physical size; the drawing keeps its own viewBox in points.
  const svg = `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${widthIn}in" height="${+heightIn.toFixed(4)}in" viewBox="0 0 ${figure.width} ${figure.height}">${inner}</svg>\n`;
  return { svg, widthIn, heightIn };
}
