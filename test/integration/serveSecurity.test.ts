// Serve mode's guards against a real server on loopback: token, Host header, Origin, no CORS, argument validation,
// static paths, and the event WebSocket.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import WebSocket from "ws";
import { Core } from "../../main/core/core.js";
import { tokenMatches } from "../../main/server/security.js";
import { startServer, type RunningServer } from "../../main/server/server.js";
import { PROJECT_ROOT } from "../support/sharedFixtures.js";

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw requests, so the Host and Origin headers are exactly what a test says (fetch would fix them up). */
function send(port: number, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method: opts.method ?? "GET", headers: opts.headers, setHost: false }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

describe("serve mode security", () => {
  let dir: string;
  let core: Core;
  let server: RunningServer;
  let host: string;
  let cookie: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "driftscope-serve-"));
    core = new Core({ dbPath: join(dir, "w.db"), demoDir: join(dir, "demo"), transport: "http" });
    server = await startServer({ core, rendererDir: join(PROJECT_ROOT, "dist", "renderer"), port: 0 });
    host = `127.0.0.1:${server.port}`;
  });
  after(async () => {
    await server.close();
    await core.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the printed URL binds loopback and carries a long random token", () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
  });

  test("no token, or a wrong one, is refused", async () => {
    assert.equal((await send(server.port, "/", { headers: { host } })).status, 401);
    assert.equal((await send(server.port, "/api/listRuns", { method: "POST", headers: { host }, body: "{}" })).status, 401);
    // One character off (never the token itself: a token ending in "x" made this the right one, 1 run in 64).
    assert.equal((await send(server.port, `/?token=${server.token.slice(0, -1)}${server.token.endsWith("x") ? "y" : "x"}`, { headers: { host } })).status, 401);
    assert.equal((await send(server.port, "/api/listRuns", { method: "POST", headers: { host, authorization: "Bearer nope" }, body: "{}" })).status, 401);
  });

  test("the right token becomes an HttpOnly, SameSite=Strict cookie that opens the app", async () => {
    const r = await send(server.port, `/?token=${server.token}`, { headers: { host } });
    assert.equal(r.status, 302);
    const setCookie = String(r.headers["set-cookie"]);
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);
    cookie = setCookie.split(";")[0]!;
    const page = await send(server.port, "/", { headers: { host, cookie } });
    assert.equal(page.status, 200);
    assert.match(page.body, /<div id="root">/);
    assert.match(String(page.headers["content-security-policy"]), /script-src 'self'/);
    assert.equal(page.headers["x-content-type-options"], "nosniff");
  });

  test("a foreign Host header is refused even with the token (DNS rebinding)", async () => {
    for (const h of [`evil.example:${server.port}`, "127.0.0.1:1", "", `127.0.0.1.evil.example:${server.port}`]) {
      const r = await send(server.port, "/api/listRuns", { method: "POST", headers: { host: h, cookie, "content-type": "application/json" }, body: "{}" });
      assert.equal(r.status, 403, `host "${h}"`);
    }
    assert.equal((await send(server.port, "/api/listRuns", { method: "POST", headers: { host: `localhost:${server.port}`, cookie }, body: "{}" })).status, 200);
  });

  test("cross-origin requests are refused and no CORS header is ever sent", async () => {
    const evil = await send(server.port, "/api/listRuns", { method: "POST", headers: { host, cookie, origin: "http://evil.example", "content-type": "application/json" }, body: "{}" });
    assert.equal(evil.status, 403);
    const preflight = await send(server.port, "/api/listRuns", { method: "OPTIONS", headers: { host, origin: "http://evil.example", "access-control-request-method": "POST" } });
    assert.notEqual(preflight.status, 204);
    const ok = await send(server.port, "/api/listRuns", { method: "POST", headers: { host, cookie, origin: `http://${host}` }, body: "{}" });
    assert.equal(ok.status, 200);
    for (const r of [evil, preflight, ok]) assert.equal(Object.keys(r.headers).filter((k) => k.startsWith("access-control")).length, 0);
  });

  test("calls are validated: bad arguments name the field; unknown calls are 404", async () => {
    const bad = await send(server.port, "/api/addRun", { method: "POST", headers: { host, cookie }, body: JSON.stringify({ path: 7 }) });
    assert.equal(bad.status, 400);
    assert.match(JSON.parse(bad.body).error, /addRun: path/);
    const extra = await send(server.port, "/api/listRuns", { method: "POST", headers: { host, cookie }, body: JSON.stringify({ sql: "DROP TABLE run" }) });
    assert.equal(extra.status, 400);
    assert.equal((await send(server.port, "/api/runSql", { method: "POST", headers: { host, cookie }, body: "{}" })).status, 404);
    assert.equal((await send(server.port, "/api/listRuns", { method: "POST", headers: { host, cookie }, body: "{not json" })).status, 400);
    const missing = await send(server.port, "/api/addRun", { method: "POST", headers: { host, cookie }, body: JSON.stringify({ path: join(dir, "nope") }) });
    assert.equal(missing.status, 400);
    assert.match(JSON.parse(missing.body).error, /no such folder/);
  });

  test("static paths cannot leave the renderer folder", async () => {
    for (const p of ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd", "/app.js%00.html"]) {
      const r = await send(server.port, p, { headers: { host, cookie } });
      assert.ok(r.status === 404 || r.status === 400, `${p}: ${r.status}`);
      assert.doesNotMatch(r.body, /root:/);
    }
    assert.equal((await send(server.port, "/app.js", { headers: { host, cookie } })).status, 200);
  });

  test("events arrive over the WebSocket only with the token and from our origin", async () => {
    const refused = (headers: Record<string, string>) =>
      new Promise<boolean>((resolve) => {
        const ws = new WebSocket(`ws://${host}/events`, { headers });
        ws.on("open", () => (ws.close(), resolve(false)));
        ws.on("error", () => resolve(true));
        ws.on("unexpected-response", () => resolve(true));
      });
    assert.equal(await refused({}), true);
    assert.equal(await refused({ cookie, origin: "http://evil.example" }), true);
    const ws = new WebSocket(`ws://${host}/events`, { headers: { cookie, origin: `http://${host}` } });
    await new Promise((r) => ws.on("open", r));
    const got = new Promise<{ type: string }>((resolve) => ws.on("message", (m) => resolve(JSON.parse(String(m)))));
    mkdirSync(join(dir, "some-run"), { recursive: true });
    const run = await core.call("addRun", { path: join(dir, "some-run") });
    assert.deepEqual(await got, { type: "run-changed", runId: run.id });
    ws.close();
  });

  test("a cookie that is not exactly the token is refused, on HTTP and on the WebSocket; a valid one from a foreign Origin or Host too", async () => {
    assert.ok(cookie, "the cookie test ran first");
    const value = decodeURIComponent(cookie.split("=")[1]!);
    const wrong = [
      `${value.slice(0, -1)}${value.endsWith("A") ? "B" : "A"}`, // same length, last character differs
      value.slice(0, -1), // one short
      `${value}A`, // one long
      value.toUpperCase() === value ? value.toLowerCase() : value.toUpperCase(), // case differs
      "",
      "x".repeat(4096),
      "%E0%A4%A", // a malformed escape
    ];
    const call = (headers: Record<string, string>) => send(server.port, "/api/listRuns", { method: "POST", headers: { "content-type": "application/json", ...headers }, body: "{}" });
    for (const v of wrong) {
      const c = `driftscope_token=${v}`;
      assert.equal((await call({ host, cookie: c })).status, 401, `HTTP, cookie ${JSON.stringify(v.slice(0, 40))}`);
      assert.equal((await send(server.port, "/", { headers: { host, cookie: c } })).status, 401, `page, cookie ${JSON.stringify(v.slice(0, 40))}`);
      assert.equal((await call({ host, authorization: `Bearer ${v}` })).status, 401, `bearer ${JSON.stringify(v.slice(0, 40))}`);
    }
    // The right value under another cookie name, or a second cookie that is wrong before the right one, is no token.
    assert.equal((await call({ host, cookie: `other=${value}` })).status, 401);
    // A valid cookie with a foreign Origin or a foreign Host.
    assert.equal((await call({ host, cookie, origin: "http://evil.example" })).status, 403);
    assert.equal((await call({ host, cookie, origin: `http://${host}.evil.example` })).status, 403);
    assert.equal((await call({ host: `evil.example:${server.port}`, cookie })).status, 403);
    assert.equal((await call({ host, cookie })).status, 200, "and the valid cookie alone still works");

    const upgrade = (headers: Record<string, string>) =>
      new Promise<number | "open">((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events`, { headers, setHost: false } as WebSocket.ClientOptions);
        ws.on("open", () => (ws.close(), resolve("open")));
        ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
        ws.on("error", () => resolve(0));
      });
    for (const v of wrong) assert.equal(await upgrade({ host, cookie: `driftscope_token=${v}`, origin: `http://${host}` }), 403, `WebSocket, cookie ${JSON.stringify(v.slice(0, 40))}`);
    assert.equal(await upgrade({ host, cookie, origin: "http://evil.example" }), 403, "WebSocket, foreign Origin");
    assert.equal(await upgrade({ host: `evil.example:${server.port}`, cookie, origin: `http://evil.example:${server.port}` }), 403, "WebSocket, foreign Host");
    assert.equal(await upgrade({ host, cookie, origin: `http://${host}` }), "open", "WebSocket, the valid cookie from our origin");
  });

  test("token comparison is exact", () => {
    assert.equal(tokenMatches("abc", "abc"), true);
    assert.equal(tokenMatches("abc", "abd"), false);
    assert.equal(tokenMatches("abc", "abcd"), false);
    assert.equal(tokenMatches("abc", null), false);
  });
});
