// Bundles what runs outside Node's module loader: the renderer (React + d3 + the shared chart) into dist/renderer,
// and the Electron preload into one CommonJS file (a sandboxed preload can require only electron itself).
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";

mkdirSync("dist/renderer", { recursive: true });
await build({
  entryPoints: ["renderer/main.tsx"],
  bundle: true,
  outfile: "dist/renderer/app.js",
  format: "iife",
  platform: "browser",
  target: ["chrome120"],
  jsx: "automatic",
  minify: true,
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
