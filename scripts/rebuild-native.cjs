// electron-builder beforePack hook: rebuild better-sqlite3 against the Electron version being packaged.
// Tests never run this, so they keep the Node build.
const { execFileSync } = require("node:child_process");

exports.default = async function rebuildNative(context) {
  const electronVersion = context.packager.config.electronVersion || require("electron/package.json").version;
  execFileSync(
    process.platform === "win32" ? "npx.cmd" : "npx",
    ["--no-install", "node-gyp", "rebuild", "--release", `--target=${electronVersion}`, "--dist-url=https://electronjs.org/headers"],
    { cwd: require.path ? undefined : require("node:path").dirname(require.resolve("better-sqlite3/package.json")), stdio: "inherit" },
  );
};
