// Bundles what runs outside Node's module loader: the renderer (React + d3 + the shared chart) into dist/renderer,
// and the Electron preload into one CommonJS file (a sandboxed preload can require only electron itself).
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { relative, sep } from "node:path";

// Start clean: chunk names carry content hashes, so old ones would otherwise pile up.
rmSync("dist/renderer", { recursive: true, force: true });
mkdirSync("dist/renderer", { recursive: true });
const renderer = await build({
  // ES modules with code splitting: what only the Export dialog needs (react-dom/server) is a chunk loaded on use.
  entryPoints: { app: "renderer/main.tsx" },
  metafile: true,
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
// The chunks app.js imports statically are named in the page as module preloads, so the browser fetches them beside
// app.js instead of after parsing it (one round trip less before the first chart).
const preloads = renderer.metafile.outputs["dist/renderer/app.js"].imports
  .filter((i) => i.kind === "import-statement")
  .map((i) => `    <link rel="modulepreload" href="${relative("dist/renderer", i.path).split(sep).join("/")}" />\n`)
  .join("");
writeFileSync("dist/renderer/index.html", readFileSync("renderer/index.html", "utf8").replace("  </head>", `${preloads}  </head>`));
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
