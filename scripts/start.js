// `npm start`: launches the desktop app with Electron, or says in one line why it cannot and what to run instead.
// Electron fetches its binary on first launch; that download is done here, quietly, so a machine without
// internet gets one clear sentence rather than a stack trace.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const browserMode = "npm run serve";
const electronDir = join(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "..", "node_modules", "electron");

function cannotStart(reason) {
  process.stderr.write(`Driftscope: the desktop app cannot start here (${reason}); use browser mode instead: ${browserMode}\n`);
  process.exit(1);
}

function binaryPath() {
  const pathFile = join(electronDir, "path.txt");
  if (!existsSync(pathFile)) return null;
  const full = join(electronDir, "dist", readFileSync(pathFile, "utf8").trim());
  return existsSync(full) ? full : null;
}

if (!existsSync(join(electronDir, "package.json"))) cannotStart("Electron is not installed; run npm ci");
let electron = binaryPath();
if (!electron) {
  process.stderr.write("Driftscope: downloading Electron once…\n");
  const result = spawnSync(process.execPath, [join(electronDir, "install.js")], { stdio: "pipe" });
  electron = result.status === 0 ? binaryPath() : null;
  if (!electron) cannotStart("Electron's binary could not be downloaded, so this machine has no Electron");
}
if (process.platform === "linux" && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) cannotStart("there is no display");

const child = spawn(electron, ["."], { stdio: "inherit" });
child.on("exit", (code) => process.exit(code ?? 1));
child.on("error", (err) => cannotStart(err.message));
