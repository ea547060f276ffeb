// Serve mode's security policy as pure functions, case by case: which hosts are loopback, which Host names a bind
// allows, which Origins are ours, how the token cookie is read, and that the token comparison is exact.
import assert from "node:assert/strict";
import { test } from "node:test";
import { chmodSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { allowedHostNames, cookieValue, hostAllowed, isLoopback, newToken, originAllowed, TOKEN_COOKIE, tokenFromFile, tokenMatches } from "../../main/server/security.js";
import { reconnectDelayMs } from "../../shared/reconnect.js";
import { tempDir } from "../support/tmp.js";

test("loopback: 127.0.0.0/8, localhost and ::1, nothing that merely contains them", () => {
  for (const h of ["127.0.0.1", "127.5.6.7", "localhost", "::1"]) assert.equal(isLoopback(h), true, h);
  for (const h of ["128.0.0.1", "10.0.0.1", "1127.0.0.1", "x127.0.0.1", "0.0.0.0", "::", "", "LOCALHOST.evil.example", "192.168.1.127"]) assert.equal(isLoopback(h), false, h);
});

test("the Host names a bind allows", () => {
  const machine = ["192.168.1.5", "FE80::1", "127.0.0.1"];
  const sorted = (xs: string[]) => [...xs].sort();
  assert.deepEqual(sorted(allowedHostNames("127.0.0.1", machine)), sorted(["127.0.0.1", "localhost", "::1"]), "a loopback bind: the loopback names, not the machine's");
  assert.deepEqual(sorted(allowedHostNames("127.0.0.2", machine)), sorted(["127.0.0.2", "127.0.0.1", "localhost", "::1"]));
  assert.deepEqual(sorted(allowedHostNames("0.0.0.0", machine)), sorted(["127.0.0.1", "localhost", "::1", "192.168.1.5", "fe80::1"]), "a wildcard bind: every interface (lower case) and loopback, never the wildcard itself");
  assert.deepEqual(sorted(allowedHostNames("::", machine)), sorted(["127.0.0.1", "localhost", "::1", "192.168.1.5", "fe80::1"]));
  assert.deepEqual(sorted(allowedHostNames("", machine)), sorted(["", "127.0.0.1", "localhost", "::1", "192.168.1.5", "fe80::1"]), "an empty bind listens everywhere too");
  assert.deepEqual(sorted(allowedHostNames("192.168.1.5", machine)), ["192.168.1.5"], "a specific address: only itself");
  assert.deepEqual(sorted(allowedHostNames("192.168.1.5", machine, ["MyBox.Local"])), ["192.168.1.5", "mybox.local"], "--allow-host names, in lower case");
});

test("a Host header must be an allowed name with the bound port, in any case; IPv6 in brackets", () => {
  const names = ["127.0.0.1", "localhost", "::1"];
  assert.equal(hostAllowed("127.0.0.1:8080", names, 8080), true);
  assert.equal(hostAllowed("LOCALHOST:8080", names, 8080), true);
  assert.equal(hostAllowed("[::1]:8080", names, 8080), true);
  for (const h of [undefined, "", "127.0.0.1", "127.0.0.1:8081", "::1:8080", "localhost.evil.example:8080", "evil.example:8080", "127.0.0.1:8080 "]) assert.equal(hostAllowed(h, names, 8080), false, String(h));
});

test("an Origin is ours only when it is exactly http:// and the Host; no Origin is a same-origin request", () => {
  assert.equal(originAllowed(undefined, "127.0.0.1:8080"), true);
  assert.equal(originAllowed(undefined, undefined), true);
  assert.equal(originAllowed("http://127.0.0.1:8080", "127.0.0.1:8080"), true);
  assert.equal(originAllowed("http://localhost:8080", "LOCALHOST:8080"), true, "the Host's case does not matter");
  for (const o of ["https://127.0.0.1:8080", "http://127.0.0.1:8081", "http://127.0.0.1:8080/", "null", "", "http://evil.example", "HTTP://127.0.0.1:8080"]) assert.equal(originAllowed(o, "127.0.0.1:8080"), false, o);
  assert.equal(originAllowed("http://127.0.0.1:8080", undefined), false, "an Origin with no Host to compare it with");
  assert.equal(originAllowed("http://127.0.0.1:8080", ""), false);
});

test("the token cookie is read by its exact name, its value unescaped; a bad escape is no token", () => {
  assert.equal(TOKEN_COOKIE, "driftscope_token");
  assert.equal(cookieValue(undefined, TOKEN_COOKIE), null);
  assert.equal(cookieValue("", TOKEN_COOKIE), null);
  assert.equal(cookieValue("driftscope_token=abc", TOKEN_COOKIE), "abc");
  assert.equal(cookieValue("a=1;  driftscope_token=abc%3D%3D ; b=2", TOKEN_COOKIE), "abc==", "spaces around, escapes decoded");
  assert.equal(cookieValue("driftscope_token=a=b=c", TOKEN_COOKIE), "a=b=c", "an = inside the value is kept");
  assert.equal(cookieValue("driftscope_token=first; driftscope_token=second", TOKEN_COOKIE), "first");
  assert.equal(cookieValue("xdriftscope_token=abc; driftscope_tokenx=def", TOKEN_COOKIE), null, "a name that only contains it");
  assert.equal(cookieValue("other=abc", TOKEN_COOKIE), null);
  assert.equal(cookieValue("driftscope_token=%E0%A4%A", TOKEN_COOKIE), null);
  assert.equal(cookieValue("driftscope_token=%E0%A4%A; driftscope_token=good", TOKEN_COOKIE), null, "the first cookie of the name decides");
  assert.equal(cookieValue("driftscope_token=", TOKEN_COOKIE), "");
});

test("tokens are long and random, and compared exactly", () => {
  const a = newToken();
  const b = newToken();
  assert.match(a, /^[A-Za-z0-9_-]{32}$/);
  assert.notEqual(a, b);
  assert.equal(tokenMatches(a, a), true);
  assert.equal(tokenMatches(a, b), false);
  assert.equal(tokenMatches(a, a.slice(0, -1)), false);
  assert.equal(tokenMatches(a, `${a}x`), false);
  assert.equal(tokenMatches(a, null), false);
  assert.equal(tokenMatches(a, undefined), false);
  assert.equal(tokenMatches(a, ""), false);
});

test("--token-file: created 0600 with a new token, the same token after, refused when others may read it or it holds junk", (t) => {
  const dir = tempDir(t);
  const file = join(dir, "token");
  const made = tokenFromFile(file);
  assert.equal(made.created, true);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(tokenFromFile(file), { token: made.token, created: false });
  chmodSync(file, 0o644);
  assert.throws(() => tokenFromFile(file), new RegExp(`${file}: the token file can be read or written by others \\(mode 644\\)`));
  chmodSync(file, 0o600);
  writeFileSync(file, "short\n");
  assert.throws(() => tokenFromFile(file), /must hold one token/);
  assert.throws(() => tokenFromFile(dir), /not a regular file/);
  assert.throws(() => tokenFromFile(join(dir, "missing-folder", "token")), /cannot create the token file \(ENOENT\)/);
});

test("the page reconnects with backoff: doubling from half a second, capped at 30 s, jittered", () => {
  assert.equal(reconnectDelayMs(0, () => 1), 500);
  assert.equal(reconnectDelayMs(3, () => 1), 4000);
  assert.equal(reconnectDelayMs(20, () => 1), 30_000);
  assert.equal(reconnectDelayMs(20, () => 0), 15_000);
  const delays = Array.from({ length: 12 }, (_, i) => reconnectDelayMs(i, () => 0.5));
  assert.ok(delays.every((d, i) => i === 0 || d >= delays[i - 1]!), "never shorter than the last");
});
