// Bundles the renderer (React + d3 + the shared chart) with esbuild into dist/renderer, with its HTML and CSS.
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
