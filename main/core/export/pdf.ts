// SVG to a one-page vector PDF of the figure's physical size, with text kept as text (the bundled DejaVu Sans
// embedded as a subset), via pdfkit and svg-to-pdfkit.
import PDFDocument from "pdfkit";
import SVGtoPDF from "svg-to-pdfkit";
import { exportFonts } from "./fonts.js";

export async function svgToPdf(svg: string, widthPt: number, heightPt: number, meta: { title: string; createdAt: Date }): Promise<Buffer> {
  const fonts = exportFonts();
  const doc = new PDFDocument({ size: [widthPt, heightPt], margin: 0, autoFirstPage: true, info: { Title: meta.title, Creator: "Driftscope", Producer: "Driftscope", CreationDate: meta.createdAt } });
  doc.registerFont("regular", fonts.regular);
  doc.registerFont("bold", fonts.bold);
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on("end", () => resolve());
    doc.on("error", reject);
  });
  // The SVG's user unit is the point, so it maps one to one onto the page. Its root size is given in points too:
  // svg-to-pdfkit reads "7in" as 7 x 96 units, which assumePt would then take for points.
  const inPoints = svg.replace(/<svg([^>]*?) width="[^"]*" height="[^"]*"/, `<svg$1 width="${widthPt}" height="${heightPt}"`);
  SVGtoPDF(doc, inPoints, 0, 0, { width: widthPt, height: heightPt, assumePt: true, fontCallback: (_family: string, bold: boolean) => (bold ? "bold" : "regular") });
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
