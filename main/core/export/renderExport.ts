// One export, in any format, from a spec and its data: the text formats come from the shared code the app's
// browser side also runs; PNG and PDF are drawn here from that same SVG.
import { buildFigure } from "../../../shared/chart/figureLayout.js";
import type { ExportData } from "../../../shared/chart/exportData.js";
import { exportDpi, type ChartSpec, type ExportFormat } from "../../../shared/chart/exportSpec.js";
import { renderFigureSvg } from "../../../shared/chart/figureSvg.js";
import { buildManifest } from "../../../shared/chart/manifest.js";
import { isTextFormat, textExport } from "../../../shared/chart/exportText.js";
import { renderInWorker } from "./raster.js";

export interface RenderedExport {
  bytes: Buffer;
  manifest: ReturnType<typeof buildManifest>;
}

export async function renderExport(spec: ChartSpec, data: ExportData, format: ExportFormat, fileName: string, createdAt = new Date()): Promise<RenderedExport> {
  const figure = buildFigure(spec, data);
  let bytes: Buffer;
  if (isTextFormat(format)) bytes = Buffer.from(textExport(format, figure), "utf8");
  // The rasteriser and the PDF writer run in a worker thread, loaded only there, so a big export blocks nobody.
  else {
    bytes = await renderInWorker({
      format,
      svg: renderFigureSvg(figure),
      widthIn: figure.widthIn,
      heightIn: figure.heightIn,
      dpi: exportDpi(spec),
      widthPt: figure.width,
      heightPt: figure.height,
      title: figure.title,
      createdAt: createdAt.toISOString(),
    });
  }
  return { bytes, manifest: buildManifest({ spec, data, figure, format, file: fileName, createdAt: createdAt.toISOString() }) };
}
