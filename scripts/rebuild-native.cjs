// electron-builder beforePack hook: rebuild native modules (better-sqlite3) against the Electron being packaged,
// with electron-builder's own install-app-deps. Tests never run this, so they keep the Node build.
const { execFileSync } = require("node:child_process");

exports.default = async function rebuildNative() {
  execFileSync(process.platform === "win32" ? "npx.cmd" : "npx", ["--no-install", "electron-builder", "install-app-deps"], {
    stdio: "inherit",
  });
};
