// The desktop shell's policy, tested in Node: Electron itself cannot be launched on these machines.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import vm from "node:vm";
import { API_METHODS } from "../../shared/api.js";
import { registerApiHandlers } from "../../main/electron/ipc.js";
import { menuTemplate } from "../../main/electron/menu.js";
import { allowNavigation, APP_URL, CONTENT_SECURITY_POLICY, isTrustedSender, isTrustedUrl, parseSaveExport, permissionDecision, protocolFile, windowOpenDecision, windowOptions } from "../../main/electron/policy.js";
import { PROJECT_ROOT } from "../support/sharedFixtures.js";

test("the window is hardened: context isolation, sandbox, no Node, no webviews, web security", () => {
  const w = windowOptions("/app/preload.cjs").webPreferences;
  assert.equal(w.contextIsolation, true);
  assert.equal(w.sandbox, true);
  assert.equal(w.nodeIntegration, false);
  assert.equal(w.nodeIntegrationInWorker, false);
  assert.equal(w.nodeIntegrationInSubFrames, false);
  assert.equal(w.webSecurity, true);
  assert.equal(w.allowRunningInsecureContent, false);
  assert.equal(w.webviewTag, false);
  assert.equal(w.preload, "/app/preload.cjs");
});

function parseCsp(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(";")
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name, ...values] = d.split(/\s+/);
        return [name!, values];
      }),
  );
}

test("the CSP allows only the app's own code: no eval, no inline script, no plugins", () => {
  const html = readFileSync(join(PROJECT_ROOT, "renderer", "index.html"), "utf8");
  const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!;
  for (const csp of [CONTENT_SECURITY_POLICY, meta]) {
    const p = parseCsp(csp);
    assert.deepEqual(p.get("default-src"), ["'self'"]);
    assert.deepEqual(p.get("script-src"), ["'self'"]);
    assert.deepEqual(p.get("object-src"), ["'none'"]);
    for (const values of p.values()) {
      assert.ok(!values.includes("'unsafe-eval'"), csp);
      assert.ok(!values.includes("'unsafe-inline'"), csp);
      assert.ok(!values.includes("*"), csp);
    }
  }
});

test("only the app's own origin is trusted; navigation away and new windows are denied", () => {
  assert.ok(isTrustedUrl(APP_URL));
  assert.ok(isTrustedUrl("driftscope://app/index.html#/drift"));
  // Each part of the origin on its own: another scheme on the app's host, a user or a password alone.
  for (const url of ["https://example.com", "https://app/index.html", "http://app/", "file:///etc/passwd", "driftscope://evil/index.html", "driftscope://user:pw@app/", "driftscope://user@app/", "driftscope://:pw@app/", "javascript:alert(1)", "", "not a url"]) {
    assert.equal(isTrustedUrl(url), false, url);
    assert.equal(allowNavigation(url), false, url);
  }
  assert.deepEqual(windowOpenDecision("https://arxiv.org/abs/1234"), { action: "deny", openExternally: true });
  assert.deepEqual(windowOpenDecision("http://insecure.example"), { action: "deny", openExternally: false });
  assert.deepEqual(windowOpenDecision("file:///etc/passwd"), { action: "deny", openExternally: false });
  assert.deepEqual(windowOpenDecision("not a url"), { action: "deny", openExternally: false }, "an unparsable link opens nowhere");
  for (const p of ["media", "geolocation", "notifications", "clipboard-read", "openExternal"]) assert.equal(permissionDecision(p), false);
});

test("the app protocol serves only files inside the renderer folder", () => {
  const root = "/opt/driftscope/renderer";
  assert.equal(protocolFile(root, "driftscope://app/index.html")!.file, `${root}/index.html`);
  assert.equal(protocolFile(root, "driftscope://app/")!.file, `${root}/index.html`);
  assert.match(protocolFile(root, "driftscope://app/app.js")!.headers["content-security-policy"]!, /script-src 'self'/);
  // Whatever the URL, the file stays inside the renderer folder (the URL parser may already fold "..").
  for (const url of ["driftscope://app/../../etc/passwd", "driftscope://app/%2e%2e/%2e%2e/etc/passwd", "driftscope://app/..%2f..%2fetc%2fpasswd", "driftscope://app/a%00.js", "driftscope://app/%5c..%5csecret"]) {
    const hit = protocolFile(root, url);
    assert.ok(hit === null || hit.file.startsWith(`${root}/`), `${url} -> ${hit?.file}`);
  }
  for (const url of ["driftscope://app/..%2f..%2fetc%2fpasswd", "driftscope://app/a%00.js", "driftscope://app/%5c..%5csecret", "driftscope://other/index.html"]) assert.equal(protocolFile(root, url), null, url);
});

test("the preload exposes exactly the contract's calls, each as a named invoke of its own channel", () => {
  const code = readFileSync(join(PROJECT_ROOT, "dist", "main", "electron", "preload.cjs"), "utf8");
  let exposed: Record<string, unknown> | null = null;
  const invoked: { channel: string; args: unknown }[] = [];
  const electron = {
    contextBridge: { exposeInMainWorld: (name: string, value: Record<string, unknown>) => ((exposed = value), assert.equal(name, "driftscope")) },
    ipcRenderer: { invoke: (channel: string, args: unknown) => (invoked.push({ channel, args }), Promise.resolve(null)), on: () => undefined, removeListener: () => undefined },
    webUtils: { getPathForFile: () => "/x" },
  };
  const required: string[] = [];
  const require = (id: string) => {
    required.push(id);
    if (id === "electron") return electron;
    throw new Error(`the preload required ${id}: a sandboxed preload may require only electron`);
  };
  vm.runInNewContext(code, { require, module: { exports: {} }, exports: {} });
  assert.ok(exposed);
  assert.deepEqual(Object.keys(exposed!).sort(), [...API_METHODS, "onEvent", "desktop"].sort());
  assert.ok(!("invoke" in exposed!) && !("ipcRenderer" in exposed!));
  const bridge = (exposed as unknown as { desktop: object }).desktop;
  assert.deepEqual(Object.keys(bridge).sort(), ["pathForFile", "pickFolder", "saveExport", "setApiKey"]);
  for (const m of API_METHODS) void (exposed![m] as (a: unknown) => Promise<unknown>)({ probe: m });
  assert.deepEqual(invoked.map((i) => i.channel), API_METHODS.map((m) => `driftscope:${m}`));
  void (bridge as { saveExport: (f: unknown) => Promise<unknown> }).saveExport({ fileName: "a.svg" });
  assert.deepEqual(invoked.at(-1), { channel: "driftscope:save-export", args: { fileName: "a.svg" } });
  assert.deepEqual([...new Set(required)], ["electron"]);
});

test("IPC handlers refuse forged senders and invalid arguments before the core sees them", async () => {
  const handlers = new Map<string, (event: { senderFrame?: { url?: string; parent?: unknown } | null }, ...args: unknown[]) => unknown>();
  const calls: { method: string; args: unknown }[] = [];
  registerApiHandlers({ handle: (channel, listener) => handlers.set(channel, listener) }, async (method, args) => (calls.push({ method, args }), "ok"));
  assert.deepEqual([...handlers.keys()].sort(), API_METHODS.map((m) => `driftscope:${m}`).sort());
  const addRun = handlers.get("driftscope:addRun")!;
  const trusted = { senderFrame: { url: APP_URL } };
  await assert.rejects(Promise.resolve(addRun({ senderFrame: { url: "https://evil.example/" } }, { path: "/x" })), /did not come from the Driftscope window/);
  await assert.rejects(Promise.resolve(addRun({ senderFrame: { url: APP_URL, parent: {} } }, { path: "/x" })), /did not come from the Driftscope window/);
  await assert.rejects(Promise.resolve(addRun({ senderFrame: null }, { path: "/x" })), /did not come from/);
  await assert.rejects(Promise.resolve(addRun(trusted, { path: 42 })), /addRun: path/);
  await assert.rejects(Promise.resolve(addRun(trusted, { path: "/x", extra: true })), /addRun/);
  await assert.rejects(Promise.resolve(handlers.get("driftscope:createAnnotation")!(trusted, { runId: 1, step: -3, text: "x" })), /createAnnotation: step/);
  assert.deepEqual(calls, []);
  assert.equal(await addRun(trusted, { path: "/runs/a" }), "ok");
  assert.deepEqual(calls, [{ method: "addRun", args: { path: "/runs/a" } }]);
  assert.equal(isTrustedSender(undefined), false);
});

test("the menu offers adding a run folder and the demo, with platform shortcuts", () => {
  const linux = menuTemplate("linux", false);
  const file = linux.find((m) => m.label === "File")!;
  assert.deepEqual(file.submenu!.filter((i) => i.action).map((i) => [i.label, i.accelerator ?? null]), [["Add run folder…", "Ctrl+O"], ["Start the demo run", null], ["Quit", "Ctrl+Q"]]);
  assert.equal(menuTemplate("darwin", false)[0]!.label, "Driftscope");
  assert.ok(!JSON.stringify(linux).includes("toggle-devtools"), "no developer tools in a packaged app");
  assert.ok(JSON.stringify(menuTemplate("linux", true)).includes("toggle-devtools"));
});

test("static paths: raw traversal, encoded traversal and NUL never leave the root", async () => {
  const { staticPath } = await import("../../main/policy/appContent.js");
  const root = "/srv/r";
  assert.equal(staticPath(root, "/"), "/srv/r/index.html");
  assert.equal(staticPath(root, "/app.js?v=1"), "/srv/r/app.js");
  for (const p of ["/../etc/passwd", "/%2e%2e/etc/passwd", "/..%2fetc", "/a/../../b", "/x%00y", "/%5c..%5cz", "/%E0%A4%A"]) assert.equal(staticPath(root, p), null, p);
});

test("a save-export request is a bare file name of an export format, base64 bytes and a JSON manifest", () => {
  const ok = parseSaveExport({ fileName: "fig.svg", base64: Buffer.from("<svg/>").toString("base64"), manifest: '{"file":"fig.svg"}' });
  assert.equal(ok.extension, "svg");
  assert.equal(ok.bytes.toString(), "<svg/>");
  const good = { fileName: "fig.png", base64: "AAAA", manifest: "{}" };
  for (const [patch, message] of [
    [{ fileName: "../../etc/passwd.svg" }, /plain file name/],
    [{ fileName: "/tmp/x.svg" }, /plain file name/],
    [{ fileName: "C:\\x.svg" }, /plain file name/],
    [{ fileName: ".svg" }, /plain file name/],
    [{ fileName: "fig.exe" }, /export format's extension/],
    [{ base64: "not base64!" }, /base64/],
    [{ base64: 42 }, /base64/],
    [{ manifest: "{oops" }, /not valid JSON/],
    [{ manifest: "[1]" }, /JSON object/],
  ] as const) {
    assert.throws(() => parseSaveExport({ ...good, ...patch }), message, JSON.stringify(patch));
  }
  assert.throws(() => parseSaveExport(null), /fileName, base64, manifest/);
  // The size limits, at their edges: 256 MiB of bytes as base64 (4 characters per 3 bytes, plus padding) and a
  // manifest of 10,000,000 characters.
  const limit = ((256 * 1024 * 1024) / 3) * 4 + 4;
  const atLimit = "A".repeat(Math.floor(limit / 4) * 4);
  assert.doesNotThrow(() => parseSaveExport({ ...good, base64: atLimit }));
  assert.throws(() => parseSaveExport({ ...good, base64: atLimit + "AAAA" }), /within the size limit/);
  const manifestAt = `{"x":"${"a".repeat(10_000_000 - 8)}"}`;
  assert.equal(manifestAt.length, 10_000_000);
  assert.doesNotThrow(() => parseSaveExport({ ...good, manifest: manifestAt }));
  assert.throws(() => parseSaveExport({ ...good, manifest: manifestAt.replace("{", "{ ") }), /manifest must be a JSON string/);
  assert.throws(() => parseSaveExport({ ...good, manifest: 7 }), /manifest must be a JSON string/);
  assert.throws(() => parseSaveExport({ ...good, manifest: "null" }), /JSON object/);
});
