#!/usr/bin/env node
// The `driftscope` command: a tiny launcher for the compiled CLI (built by `npm ci` via the prepare script, or `npm run build`).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const entry = new URL("../dist/main/cli/index.js", import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write("driftscope: the CLI is not built yet; run `npm run build` in the project folder first.\n");
  process.exit(1);
}
// A closed pipe (`driftscope runs | head`) is a normal way for a reader to stop, not an error.
process.stdout.on("error", (err) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});
// React (which draws exported figures) runs its production build unless a developer asks otherwise.
process.env.NODE_ENV ??= "production";
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
