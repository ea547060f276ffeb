// Bundles what runs outside Node's module loader: the renderer (React + d3 + the shared chart) into dist/renderer,
// and the Electron preload into one CommonJS file (a sandboxed preload can require only electron itself).
import { build } from "esbuild";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";

// Start clean: chunk names carry content hashes, so old ones would otherwise pile up.
rmSync("dist/renderer", { recursive: true, force: true });
mkdirSync("dist/renderer", { recursive: true });
await build({
  // ES modules with code splitting: what only the Export dialog needs (react-dom/server) is a chunk loaded on use.
  entryPoints: { app: "renderer/main.tsx" },
  bundle: true,
  outdir: "dist/renderer",
  chunkNames: "chunks/[name]-[hash]",
  splitting: true,
  format: "esm",
  platform: "browser",
  target: ["chrome120"],
  jsx: "automatic",
  minify: process.env.DRIFTSCOPE_NO_MINIFY !== "1",
  sourcemap: true,
  define: { "process.env.NODE_ENV": '"production"' },
  logLevel: "warning",
});
copyFileSync("renderer/index.html", "dist/renderer/index.html");
copyFileSync("renderer/styles.css", "dist/renderer/styles.css");
copyFileSync("renderer/favicon.svg", "dist/renderer/favicon.svg");

await build({
  entryPoints: ["main/electron/preload.cts"],
  bundle: true,
  outfile: "dist/main/electron/preload.cjs",
  format: "cjs",
  platform: "node",
  target: ["node22"],
  external: ["electron"],
  logLevel: "warning",
});
