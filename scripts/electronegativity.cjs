// Runs electronegativity's scanner without network access. Its CLI fetches translations from the internet at start
// (and mis-parses its options when that fails or the locale is not one it ships), and one global check downloads
// Electron's release list. Here the translations load from the package itself and that one check is skipped (it only
// says whether a newer Electron exists). All other checks run as the CLI runs them, with the same CSV report.
// Usage: node scripts/electronegativity.cjs INPUT OUTPUT.csv
const path = require("node:path");
const i18n = require("i18n");

const pkgDir = path.dirname(require.resolve("@doyensec/electronegativity/package.json"));
const localI18n = async () => {
  i18n.configure({ locales: ["en-US"], defaultLocale: "en-US", directory: path.join(pkgDir, "dist", "locales"), updateFiles: false, objectNotation: true, register: global });
  i18n.setLocale("en-US");
};
require.cache[path.join(pkgDir, "dist", "locales", "i18n.js")] = { id: "i18n-local", loaded: true, exports: { __esModule: true, default: localI18n } };
const runner = require("@doyensec/electronegativity/dist/runner.js");
const run = runner.default ?? runner;

const [input, output] = process.argv.slice(2);
run(
  {
    input: path.resolve(input),
    output,
    isSarif: false,
    customScan: [],
    excludeFromScan: ["AvailableSecurityFixesGlobalCheck"],
    isRelative: true,
    isVerbose: false,
    electronVersionOverride: "45.0.0",
    parserPlugins: [],
  },
  false,
).catch((err) => {
  console.error(err.stack);
  process.exit(1);
});
