// The text formats of an export (SVG, CSV, JSON), made alike in the browser and in Node from a laid-out figure.
import type { ExportFormat } from "./exportSpec.js";
import type { FigureModel } from "./figureLayout.js";
import { renderFigureSvg } from "./figureSvg.js";
import { figureCsv, figureJson } from "./table.js";

export type TextFormat = Extract<ExportFormat, "svg" | "csv" | "json">;

export function isTextFormat(f: ExportFormat): f is TextFormat {
  return f === "svg" || f === "csv" || f === "json";
}

export function textExport(format: TextFormat, figure: FigureModel): string {
  return format === "svg" ? renderFigureSvg(figure) : format === "csv" ? figureCsv(figure) : figureJson(figure);
}
