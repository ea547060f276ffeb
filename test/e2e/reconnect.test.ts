// Serve mode's connection in Chromium: a server restarted with --token-file is found again by an open page by itself
// (banner while it is away, data fetched afresh after); a page without the token gets a page that says what to do.
import assert from "node:assert/strict";
import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { freePort } from "../../main/core/backends/serveCommand.js";
import { ARTIFACTS, browserSession, needsChromium, serve } from "../support/browser.js";
import { cli } from "../support/cli.js";

const skip = needsChromium();

describe("serve mode's connection", { skip }, () => {
  const session = browserSession("driftscope-e2e-reconnect-");

  test("after a restart with --token-file the page reconnects by itself and shows what changed meanwhile", { timeout: 120_000 }, async () => {
    const [dir, browser] = [session.dir(), session.browser()];
    const db = join(dir, "w.db");
    const tokenFile = join(dir, "token");
    const port = String(await freePort());
    const runDir = join(dir, "run");
    mkdirSync(runDir);
    assert.equal((await cli(["watch", runDir, "--once", "--db", db, "--name", "before-restart"])).status, 0);
    const first = await serve(["--db", db, "--port", port, "--token-file", tokenFile]);
    assert.equal(statSync(tokenFile).mode & 0o777, 0o600, "the token file is created readable by its owner only");
    const page = await browser.newPage({ viewport: { width: 1024, height: 700 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(first.url);
    await page.getByText("before-restart").first().waitFor();
    await first.stop();
    const banner = page.getByRole("status").filter({ hasText: /Disconnected .* reconnecting/ });
    await banner.waitFor({ timeout: 20_000 });
    await page.screenshot({ path: join(ARTIFACTS, "disconnected.png") });
    // While it is away the run is renamed from the command line; the page must show that once back.
    assert.equal((await cli(["runs", "set", "before-restart", "--name", "renamed-while-away", "--db", db])).status, 0);
    const second = await serve(["--db", db, "--port", port, "--token-file", tokenFile]);
    try {
      assert.equal(second.token, first.token, "the same token across restarts");
      await banner.waitFor({ state: "detached", timeout: 40_000 });
      await page.getByText("renamed-while-away").first().waitFor({ timeout: 20_000 });
      assert.deepEqual(errors.filter((e) => /JSON/.test(e)), []);
    } finally {
      await second.stop();
    }
  });

  test("a page opened without the token gets a page saying how to get the link, and a call gets JSON", async () => {
    const [dir, browser] = [session.dir(), session.browser()];
    const server = await serve(["--db", join(dir, "w2.db"), "--port", "0"]);
    try {
      const page = await browser.newPage();
      const res = await page.goto(server.origin + "/");
      assert.equal(res!.status(), 401);
      assert.match(res!.headers()["content-type"]!, /text\/html/);
      await page.getByRole("heading", { name: /needs Driftscope's session link/ }).waitFor();
      assert.match(await page.textContent("body") ?? "", /--token-file/);
      const call = await fetch(server.origin + "/api/listRuns", { method: "POST", body: "{}" });
      assert.equal(call.status, 401);
      assert.match(((await call.json()) as { error: string }).error, /session token/);
    } finally {
      await server.stop();
    }
  });
});
