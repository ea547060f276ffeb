// Debian's Chromium driven by playwright-core, and `driftscope serve` as a real child process.
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { chromium, type Browser } from "playwright-core";
import { PROJECT_ROOT } from "./sharedFixtures.js";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const ARTIFACTS = join(PROJECT_ROOT, "test-artifacts");

export function needsChromium(): false | string {
  return existsSync(CHROMIUM) ? false : `needs Chromium at ${CHROMIUM} (apt-get install -y chromium; .ci/run installs it)`;
}

/** A fresh browser; playwright gives every launch a new, empty profile directory of its own. */
export async function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

/** For a describe block: a temporary folder and a browser, made before its tests and removed after them. */
export function browserSession(prefix: string): { dir: () => string; browser: () => Browser } {
  let dir = "";
  let browser: Browser | undefined;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir: () => dir, browser: () => browser! };
}

export interface Served {
  url: string;
  origin: string;
  token: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function serve(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, "bin", "driftscope.js"), "serve", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /serving at (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on("exit", (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  const u = new URL(url);
  return {
    url,
    origin: u.origin,
    token: u.searchParams.get("token")!,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.on("exit", () => resolve());
        child.kill("SIGINT");
      }),
  };
}

/**
 * Waits until `read` gives a value that `ok` accepts, and returns it; after `ms` returns the last value read, so the
 * caller's own assertion fails with what was there. For parts of a view that load on their own queries (a summary
 * can be drawn before the chart beside it has its data).
 */
export async function settled<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  let v = await read();
  while (!ok(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    v = await read();
  }
  return v;
}

/**
 * For a describe block: the demo's two runs (baseline, inoculated) of `steps` steps, probed once with the
 * inoculation suite on the demo backend into a workspace, served, and a browser; made before its tests and removed
 * after them.
 */
export function servedDemoRuns(prefix: string, steps: number): { dir: () => string; server: () => Served; browser: () => Browser } {
  const cli = join(PROJECT_ROOT, "bin", "driftscope.js");
  let dir = "";
  let server: Served | undefined;
  let browser: Browser | undefined;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    spawnSync(process.execPath, [cli, "demo", "--dir", join(dir, "d"), "--steps", String(steps), "--save-every", "20"]);
    const db = join(dir, "w.db");
    for (const v of ["baseline", "inoculated"]) {
      const w = spawnSync(process.execPath, [cli, "watch", join(dir, "d", v), "--once", "--quiet-period", "0", "--suite", "inoculation", "--backend", "demo", "--db", db]);
      assert.equal(w.status, 0, String(w.stderr));
    }
    server = await serve(["--db", db, "--port", "0"]);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir: () => dir, server: () => server!, browser: () => browser! };
}
