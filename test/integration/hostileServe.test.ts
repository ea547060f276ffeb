// Serve mode under hostile requests, on a real server on loopback: malformed request lines, cookies, headers and
// bodies get 4xx answers and the server stays up; a bounded fuzz of random bytes leaves it answering; slow clients
// are cut off; an oversized export is refused by its size; a big export does not block other clients; a wildcard
// bind answers (with the token) for the names it allows.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Core } from "../../main/core/core.js";
import { allowedHostNames, hostAllowed } from "../../main/server/security.js";
import { startServer, type RunningServer } from "../../main/server/server.js";
import { seededRandom } from "../../main/core/util/random.js";
import { buildExportDb } from "../support/exportFixture.js";
import { PROJECT_ROOT } from "../support/sharedFixtures.js";

/** Sends raw bytes and returns what came back (or "" when the server closed without answering), within a bound. */
function raw(port: number, bytes: string | Buffer, waitMs = 3000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let got = "";
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(got);
    };
    const timer = setTimeout(done, waitMs);
    socket.on("data", (d) => (got += d.toString("latin1")));
    socket.on("end", done);
    socket.on("error", done);
    socket.on("connect", () => socket.write(bytes));
  });
}

const status = (reply: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 0);

describe("serve mode under hostile requests", () => {
  let dir: string;
  let core: Core;
  let server: RunningServer;
  let host: string;
  let cookie: string;
  let runIds: number[];
  const errors: string[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "driftscope-hostile-serve-"));
    runIds = buildExportDb(join(dir, "w.db")).runIds;
    core = new Core({ dbPath: join(dir, "w.db"), demoDir: join(dir, "demo"), transport: "http" });
    server = await startServer({ core, rendererDir: join(PROJECT_ROOT, "dist", "renderer"), port: 0, requestTimeoutMs: 1000, onError: (m) => errors.push(m) });
    host = `127.0.0.1:${server.port}`;
    cookie = `driftscope_token=${server.token}`;
  });
  after(async () => {
    await server.close();
    await core.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ok = async () => status(await raw(server.port, `POST /api/getInfo HTTP/1.1\r\nHost: ${host}\r\nCookie: ${cookie}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`));

  test("malformed requests get 4xx answers and the server stays up", async () => {
    const cases: [string, string | Buffer, number[]][] = [
      ["a cookie with a bad percent escape", `GET / HTTP/1.1\r\nHost: ${host}\r\nCookie: driftscope_token=%E0%A4%A\r\nConnection: close\r\n\r\n`, [401]],
      ["the same cookie on a WebSocket upgrade", `GET /events HTTP/1.1\r\nHost: ${host}\r\nCookie: driftscope_token=%E0%A4%A\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`, [403]],
      ["a wrong token of the right length", `GET / HTTP/1.1\r\nHost: ${host}\r\nCookie: driftscope_token=${"x".repeat(server.token.length)}\r\nConnection: close\r\n\r\n`, [401]],
      ["a wrong token of the wrong length", `GET / HTTP/1.1\r\nHost: ${host}\r\nCookie: driftscope_token=short\r\nConnection: close\r\n\r\n`, [401]],
      ["a valid cookie with a foreign Origin", `POST /api/listRuns HTTP/1.1\r\nHost: ${host}\r\nCookie: ${cookie}\r\nOrigin: http://evil.example\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`, [403]],
      ["a valid cookie with a foreign Host", `POST /api/listRuns HTTP/1.1\r\nHost: evil.example:${server.port}\r\nCookie: ${cookie}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`, [403]],
      ["a valid cookie upgrading with a foreign Origin", `GET /events HTTP/1.1\r\nHost: ${host}\r\nCookie: ${cookie}\r\nOrigin: http://evil.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`, [403]],
      ["an invalid absolute URL in the request line", `GET http://[ HTTP/1.1\r\nHost: ${host}\r\nCookie: ${cookie}\r\nConnection: close\r\n\r\n`, [400, 404]],
      ["an invalid absolute URL on an upgrade", `GET http://[ HTTP/1.1\r\nHost: ${host}\r\nCookie: ${cookie}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`, [403]],
      ["a NUL in the path", `GET /%00.js HTTP/1.1\r\nHost: ${host}\r\nCookie: ${cookie}\r\nConnection: close\r\n\r\n`, [404]],
      ["a path out of the renderer folder", `GET /..%2f..%2fetc%2fpasswd HTTP/1.1\r\nHost: ${host}\r\nCookie: ${cookie}\r\nConnection: close\r\n\r\n`, [404]],
      ["a 40 KB header", `GET / HTTP/1.1\r\nHost: ${host}\r\nX-Big: ${"a".repeat(40_000)}\r\n\r\n`, [431]],
      ["an invalid header name", `GET / HTTP/1.1\r\nHost: ${host}\r\nBad Header: x\r\n\r\n`, [400]],
      ["binary garbage", Buffer.from([0, 1, 2, 255, 254, 13, 10, 13, 10]), [400]],
      ["a body that is not JSON", `POST /api/listRuns HTTP/1.1\r\nHost: ${host}\r\nCookie: ${cookie}\r\nContent-Length: 4\r\nConnection: close\r\n\r\nnope`, [400]],
      ["a body nested 200,000 deep", `POST /api/listRuns HTTP/1.1\r\nHost: ${host}\r\nCookie: ${cookie}\r\nContent-Length: 400000\r\nConnection: close\r\n\r\n${"[".repeat(200_000)}${"]".repeat(200_000)}`, [400]],
      ["an unknown call", `POST /api/dropTables HTTP/1.1\r\nHost: ${host}\r\nCookie: ${cookie}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`, [404]],
      ["a call with a bad argument", `POST /api/listCheckpoints HTTP/1.1\r\nHost: ${host}\r\nCookie: ${cookie}\r\nContent-Length: 14\r\nConnection: close\r\n\r\n{"runId":"1;"}`, [400]],
      ["a call with an argument of the wrong shape", `POST /api/getDriftSeries HTTP/1.1\r\nHost: ${host}\r\nCookie: ${cookie}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]`, [400]],
      ["an import of /dev/zero", `POST /api/importSuite HTTP/1.1\r\nHost: ${host}\r\nCookie: ${cookie}\r\nContent-Length: 40\r\nConnection: close\r\n\r\n{"path":"/dev/zero","format":"suite"}   `, [400]],
    ];
    for (const [name, bytes, expected] of cases) {
      const reply = await raw(server.port, bytes);
      assert.ok(expected.includes(status(reply)), `${name}: got "${reply.slice(0, 80)}"`);
      assert.equal(await ok(), 200, `${name}: the server still answers`);
    }
    assert.ok(!errors.some((e) => /URIError|TypeError/.test(e)), errors.join("\n"));
  });

  test("an oversized export is refused by its size, and a big one does not block other clients", async () => {
    const spec = (extra: Record<string, unknown>) => ({ runs: runIds, traits: [], context: null, metrics: [], xAxis: "step", range: null, smoothing: 0, ci: true, annotations: true, groupMeans: true, theme: "light", preset: "paper2", width: null, height: null, dpi: null, title: null, ...extra });
    const huge = JSON.stringify({ spec: spec({ width: 100, height: 100, dpi: 2400 }), format: "png", fileName: "x.png" });
    const reply = await raw(server.port, `POST /api/renderExport HTTP/1.1\r\nHost: ${host}\r\nCookie: ${cookie}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(huge)}\r\nConnection: close\r\n\r\n${huge}`, 10_000);
    assert.equal(status(reply), 400, reply.slice(0, 200));
    assert.match(reply, /240000 x 240000 pixels .* over the 100-megapixel limit; lower the DPI or the size/);

    // 8 x 6 in at 1,200 dpi: 69 megapixels, seconds of rasterising, in a worker.
    const big = JSON.stringify({ spec: spec({ width: 8, height: 6, dpi: 1200 }), format: "png", fileName: "big.png" });
    let exportDone = false;
    const exporting = raw(server.port, `POST /api/renderExport HTTP/1.1\r\nHost: ${host}\r\nCookie: ${cookie}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(big)}\r\nConnection: close\r\n\r\n${big}`, 120_000).then((r) => ((exportDone = true), r));
    const latencies: number[] = [];
    await new Promise((r) => setTimeout(r, 300));
    while (!exportDone && latencies.length < 40) {
      const t0 = performance.now();
      assert.equal(await ok(), 200);
      latencies.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 50));
    }
    const result = await exporting;
    assert.equal(status(result), 200, result.slice(0, 300));
    assert.ok(latencies.length >= 3, `the export finished too fast to measure (${latencies.length} calls)`);
    const worst = Math.max(...latencies);
    console.log(`getInfo during a 69-megapixel PNG export: ${latencies.length} calls, worst ${worst.toFixed(0)} ms, median ${latencies.sort((a, b) => a - b)[Math.floor(latencies.length / 2)]!.toFixed(0)} ms`);
    assert.ok(worst < 200, `a getInfo took ${worst.toFixed(0)} ms while the export ran`);
  });

  test("a slow client is cut off within the request timeout", async () => {
    const t0 = Date.now();
    const reply = await raw(server.port, `GET / HTTP/1.1\r\nHost: ${host}\r\nX-Slow: `, 8000);
    const ms = Date.now() - t0;
    // requestTimeoutMs 1000 here (10 s by default), checked every second: cut within about 2 s.
    assert.ok(ms < 4000, `held for ${ms} ms`);
    assert.ok(reply === "" || [400, 408].includes(status(reply)), reply.slice(0, 80));
    assert.equal(await ok(), 200);
  });

  test("a bounded fuzz of random bytes in request lines, headers and cookies leaves the server answering", async () => {
    const rng = seededRandom(20261203);
    const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rng() * 256)));
    const printable = (n: number) => Array.from({ length: n }, () => String.fromCharCode(32 + Math.floor(rng() * 95))).join("");
    const shapes = [
      () => Buffer.concat([bytes(1 + Math.floor(rng() * 200)), Buffer.from("\r\n\r\n")]),
      () => `${printable(3)} /${printable(Math.floor(rng() * 60))} HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
      () => `GET /${encodeURI(printable(20))} HTTP/1.1\r\nHost: ${host}\r\nCookie: driftscope_token=${printable(Math.floor(rng() * 50))}\r\nConnection: close\r\n\r\n`,
      () => `GET / HTTP/1.1\r\nHost: ${printable(10)}\r\nOrigin: ${printable(15)}\r\n\r\n`,
      () => Buffer.concat([Buffer.from(`GET / HTTP/1.1\r\nHost: ${host}\r\nCookie: `), bytes(30), Buffer.from("\r\nConnection: close\r\n\r\n")]),
      () => `POST /api/${printable(8)} HTTP/1.1\r\nHost: ${host}\r\nCookie: ${cookie}\r\nContent-Length: 20\r\nConnection: close\r\n\r\n${printable(20)}`,
      () => `GET /events HTTP/1.1\r\nHost: ${host}\r\nCookie: ${printable(40)}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${printable(24)}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    ];
    const N = 300;
    for (let i = 0; i < N; i += 10) {
      await Promise.all(Array.from({ length: 10 }, () => raw(server.port, shapes[Math.floor(rng() * shapes.length)]!(), 1500)));
    }
    assert.equal(await ok(), 200, `after ${N} random requests`);
    assert.ok(!errors.some((e) => /URIError|TypeError|RangeError/.test(e)), errors.join("\n"));
  });
});

describe("serve mode on a wildcard address", () => {
  test("the Host names allowed: the machine's addresses and --allow-host names, never a rebound one", () => {
    const names = allowedHostNames("0.0.0.0", ["127.0.0.1", "192.0.2.7", "fe80::1"], ["lab-box.local"]);
    for (const h of ["127.0.0.1:8080", "localhost:8080", "[::1]:8080", "192.0.2.7:8080", "[fe80::1]:8080", "lab-box.local:8080"]) assert.ok(hostAllowed(h, names, 8080), h);
    for (const h of ["0.0.0.0:8080", "evil.example:8080", "192.0.2.7:9999", "192.0.2.8:8080"]) assert.ok(!hostAllowed(h, names, 8080), h);
    assert.ok(!hostAllowed("192.0.2.7:8080", allowedHostNames("127.0.0.1", ["192.0.2.7"]), 8080), "a loopback bind does not answer other addresses");
  });

  test("bound to 0.0.0.0, it answers with the token for an allowed name and refuses without it", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "driftscope-wildcard-"));
    const core = new Core({ dbPath: join(dir, "w.db"), demoDir: join(dir, "demo"), transport: "http" });
    const server = await startServer({ core, host: "0.0.0.0", rendererDir: join(PROJECT_ROOT, "dist", "renderer"), port: 0, allowHosts: ["lab-box.local"] });
    t.after(async () => {
      await server.close();
      await core.close();
      rmSync(dir, { recursive: true, force: true });
    });
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    const get = (hostHeader: string, withToken: boolean) => raw(server.port, `POST /api/getInfo HTTP/1.1\r\nHost: ${hostHeader}\r\n${withToken ? `Cookie: driftscope_token=${server.token}\r\n` : ""}Content-Length: 2\r\nConnection: close\r\n\r\n{}`);
    assert.equal(status(await get(`lab-box.local:${server.port}`, true)), 200);
    assert.equal(status(await get(`127.0.0.1:${server.port}`, true)), 200);
    assert.equal(status(await get(`lab-box.local:${server.port}`, false)), 401);
    assert.equal(status(await get(`rebound.example:${server.port}`, true)), 403);
  });
});
