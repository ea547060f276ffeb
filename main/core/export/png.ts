// SVG to PNG with resvg, at an exact pixel size (inches x DPI) and with the DPI recorded in the file's pHYs chunk,
// so a word processor places it at its physical size.
import { Resvg } from "@resvg/resvg-js";
import { crc32 } from "node:zlib";
import { EXPORT_FONT_FAMILY, exportFonts } from "./fonts.js";

export function svgToPng(svg: string, widthIn: number, heightIn: number, dpi: number): Buffer {
  const width = Math.round(widthIn * dpi);
  const height = Math.round(heightIn * dpi);
  // Give the document its pixel size directly, so both dimensions come out exact (fitting by width alone rounds
  // the height on its own).
  const sized = svg.replace(/<svg([^>]*?) width="[^"]*" height="[^"]*"/, `<svg$1 width="${width}" height="${height}"`);
  const fonts = exportFonts();
  const resvg = new Resvg(sized, {
    font: { fontFiles: [fonts.regular, fonts.bold], loadSystemFonts: false, defaultFontFamily: EXPORT_FONT_FAMILY },
    shapeRendering: 2,
    textRendering: 1,
  });
  const rendered = resvg.render();
  if (rendered.width !== width || rendered.height !== height) throw new Error(`PNG came out ${rendered.width}x${rendered.height}, expected ${width}x${height}`);
  return withPhys(rendered.asPng(), dpi);
}

/**
 * Inserts a pHYs chunk (pixels per metre) after IHDR. Written by hand because the chunk is 21 bytes of fixed layout
 * (PNG spec 11.3.5.3) and a PNG library would re-encode the whole image to add it.
 */
function withPhys(png: Buffer, dpi: number): Buffer {
  const ppm = Math.round(dpi / 0.0254);
  const data = Buffer.alloc(9);
  data.writeUInt32BE(ppm, 0);
  data.writeUInt32BE(ppm, 4);
  data[8] = 1; // unit: metre
  const type = Buffer.from("pHYs", "ascii");
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  type.copy(chunk, 4);
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(Buffer.concat([type, data])), 8 + data.length);
  const ihdrEnd = 8 + 4 + 4 + 13 + 4; // signature, IHDR length, type, data, CRC
  return Buffer.concat([png.subarray(0, ihdrEnd), chunk, png.subarray(ihdrEnd)]);
}
