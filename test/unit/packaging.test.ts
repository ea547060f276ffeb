// electron-builder.yml against the schema electron-builder ships, and electronegativity over the built app.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { CONTENT_SECURITY_POLICY } from "../../main/policy/appContent.js";
import { PROJECT_ROOT } from "../support/sharedFixtures.js";

test("electron-builder.yml validates against electron-builder's own schema", () => {
  const schema = JSON.parse(readFileSync(join(PROJECT_ROOT, "node_modules", "app-builder-lib", "scheme.json"), "utf8")) as object;
  const config = parse(readFileSync(join(PROJECT_ROOT, "electron-builder.yml"), "utf8")) as Record<string, unknown>;
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(schema);
  assert.ok(validate(config), JSON.stringify(validate.errors, null, 2));
  assert.equal(config.npmRebuild, false);
  assert.deepEqual((config.linux as { target: string[] }).target, ["AppImage", "deb"]);
  assert.deepEqual((config.mac as { target: string[] }).target, ["dmg"]);
  assert.deepEqual((config.win as { target: string[] }).target, ["nsis"]);
  // A config the schema must refuse, so the check above can fail.
  assert.equal(validate({ ...config, linux: { target: 42 } }), false);
});

/**
 * Findings electronegativity reports that are explained: each reason says why it is not a vulnerability here.
 * Anything not listed fails the test.
 */
const EXPLAINED: Record<string, string> = {
  // Its checks read BrowserWindow options only when written inline; ours come from policy.windowOptions(), which
  // electronPolicy.test.ts checks sets contextIsolation, sandbox and the rest.
  CONTEXT_ISOLATION_JS_CHECK: "contextIsolation: true, from policy.windowOptions (tested)",
  SANDBOX_JS_CHECK: "sandbox: true, from policy.windowOptions (tested)",
  AUXCLICK_JS_CHECK: "middle-click opens nothing: setWindowOpenHandler denies every new window (policy.windowOpenDecision, tested)",
  OPEN_EXTERNAL_JS_CHECK: "shell.openExternal receives only https URLs (policy.windowOpenDecision, tested)",
  ELECTRON_VERSION_JSON_CHECK: "informational: the Electron version in package.json",
  // "maybe weak": csp-evaluator's only remark on our policy is that script-src 'self' is risky where a site hosts
  // JSONP, Angular or user uploads. The app serves only its own bundled files (asserted in the next test).
  CSP_GLOBAL_CHECK: "script-src 'self' with nothing but our own bundle under 'self'",
};

test("the CSP's only evaluator remark is the 'self' caveat explained above", () => {
  const require = createRequire(import.meta.url);
  const csp = require("@doyensec/csp-evaluator") as {
    CspParser: new (s: string) => { csp: unknown };
    CspEvaluator: new (c: unknown, v: unknown) => { evaluate(): { severity: number; directive: string; description: string }[] };
    Version: { CSP3: unknown };
  };
  const findings = new csp.CspEvaluator(new csp.CspParser(CONTENT_SECURITY_POLICY).csp, csp.Version.CSP3).evaluate();
  assert.deepEqual(findings.map((f) => [f.directive, f.description]), [["script-src", "'self' can be problematic if you host JSONP, Angular or user uploaded files."]]);
  // And the renderer folder holds only our own files: no JSONP endpoints, no uploads.
  assert.deepEqual(readdirSync(join(PROJECT_ROOT, "dist", "renderer")).sort(), ["app.js", "app.js.map", "chunks", "favicon.svg", "index.html", "styles.css"]);
  const chunks = readdirSync(join(PROJECT_ROOT, "dist", "renderer", "chunks"));
  assert.ok(chunks.length > 0 && chunks.every((f) => /^chunk-[\w-]+\.js(\.map)?$/.test(f) || /^figureSvg-[\w-]+\.js(\.map)?$/.test(f) || /^exportText-[\w-]+\.js(\.map)?$/.test(f)), chunks.join(", "));
});

test("electronegativity over the built app reports nothing unexplained", () => {
  const out = mkdtempSync(join(tmpdir(), "electronegativity-"));
  try {
    // The app as it is packaged: the Electron layer, the renderer page and package.json.
    const app = join(out, "app");
    mkdirSync(join(app, "main"), { recursive: true });
    cpSync(join(PROJECT_ROOT, "dist", "main", "electron"), join(app, "main", "electron"), { recursive: true });
    cpSync(join(PROJECT_ROOT, "dist", "renderer"), join(app, "renderer"), { recursive: true });
    cpSync(join(PROJECT_ROOT, "package.json"), join(app, "package.json"));
    const report = join(out, "report.json");
    const r = spawnSync(process.execPath, [join(PROJECT_ROOT, "scripts", "electronegativity.cjs"), app, report], { encoding: "utf8", timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    const { errors, findings } = JSON.parse(readFileSync(report, "utf8")) as { errors: number; findings: { id: string; severity: string; confidence: string; file: string; description: string }[] };
    assert.equal(errors, 0, "every file parsed");
    assert.ok(findings.some((f) => f.id === "ELECTRON_VERSION_JSON_CHECK"), "electronegativity ran over the app (it always reports the version)");
    const unexplained = findings.filter((f) => {
      if (!(f.id in EXPLAINED)) return true;
      // Only the "maybe weak" CSP remark is explained; a missing or clearly weak CSP is not.
      return f.id === "CSP_GLOBAL_CHECK" && !(f.severity === "LOW" && f.confidence === "FIRM" && f.file === "renderer/index.html");
    });
    assert.deepEqual(unexplained, []);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
