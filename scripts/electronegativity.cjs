// Runs electronegativity's scanner without network access. Its CLI fetches translations from the internet at start
// (and mis-parses its options when that fails or the locale is not one it ships), and one global check downloads
// Electron's release list. Here the translations load from the package itself and that one check is skipped (it only
// says whether a newer Electron exists). All other checks run as the CLI runs them, with the same CSV report.
// Its own report writer races two asynchronous writes to one file (header and rows) and now and then garbles it, so
// the findings are taken from the scanner's return value and written here as JSON.
// Usage: node scripts/electronegativity.cjs INPUT OUTPUT.json
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
    isSarif: false,
    customScan: [],
    excludeFromScan: ["AvailableSecurityFixesGlobalCheck"],
    isRelative: true,
    isVerbose: false,
    electronVersionOverride: "45.0.0",
    parserPlugins: [],
  },
  false,
)
  .then((result) => {
    const relative = (file) => (path.isAbsolute(file) ? path.relative(path.resolve(input), file) : file);
    const findings = result.issues.map((i) => ({
      id: i.id,
      severity: i.severity?.name ?? String(i.severity),
      confidence: i.confidence?.name ?? String(i.confidence),
      file: relative(i.file),
      location: `${i.location?.line ?? 0}:${i.location?.column ?? 0}`,
      sample: i.sample ?? null,
      description: i.description,
    }));
    require("node:fs").writeFileSync(output, JSON.stringify({ errors: result.errors.length, findings }, null, 2));
  })
  .catch((err) => {
  console.error(err.stack);
  process.exit(1);
});
