// The fonts exports are drawn with, bundled with the app (the dejavu-fonts-ttf package), so a PNG or PDF looks the
// same on every machine instead of depending on the fonts installed there.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export const EXPORT_FONT_FAMILY = "DejaVu Sans";

/** Paths of the regular and bold faces. Inside a packaged app the files live unpacked beside the asar archive. */
export function exportFonts(): { regular: string; bold: string } {
  const unpacked = (p: string) => p.replace(/([\\/])app\.asar([\\/])/, "$1app.asar.unpacked$2");
  return {
    regular: unpacked(require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf")),
    bold: unpacked(require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf")),
  };
}
