// The fonts exports are drawn with, bundled with the app (the dejavu-fonts-ttf package), so a PNG or PDF looks the
// same on every machine instead of depending on the fonts installed there.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export const EXPORT_FONT_FAMILY = "DejaVu Sans";

/** Inside a packaged app the fonts live unpacked beside the asar archive (native code cannot read into it). */
export function unpackedPath(p: string): string {
  return p.replace(/([\\/])app\.asar([\\/])/, "$1app.asar.unpacked$2");
}

/** Paths of the regular and bold faces. */
export function exportFonts(): { regular: string; bold: string } {
  return {
    regular: unpackedPath(require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf")),
    bold: unpackedPath(require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf")),
  };
}
