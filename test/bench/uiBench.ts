// The app in Chromium at workspace scale. First complete chart: a fresh `driftscope serve` process and a fresh page
// per load (median of 3, with the server's peak RSS), for 10 visible runs of a 100-run workspace (1,000 checkpoints
// x 20 traits x 5 contexts each), for all 100 visible, and for 10 runs x 10,000 checkpoints; each beside the same
// browser's time to draw the same number of points on bare canvases. A 1,000,000-point metric series (which the core
// cuts per pixel column before sending, and again for detail once a pan rests): its panel's first drawing, cold and
// warm; and its pan, each frame timed from the input event to the frame after it painted (median and p95), beside a
// bare page walking every point.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { Browser, Page } from "playwright-core";
import { Core } from "../../main/core/core.js";
import { startServer } from "../../main/server/server.js";
import { Store } from "../../main/core/store/store.js";
import { MIGRATIONS, SCHEMA_VERSION } from "../../main/core/store/schema.js";
import { launchChromium, needsChromium, serve } from "../support/browser.js";
import { buildScoresDb, type ScoresDbSize } from "../support/scoresDb.js";
import { PROJECT_ROOT } from "../support/sharedFixtures.js";
import { summarise, type Figure } from "./harness.js";

const TRAITS = 20;
const CONTEXTS = 5;
const LONG = 1_000_000;
/** Panel width in CSS pixels (small multiples), as the drift view draws it. */
const PANEL_WIDTH = 440;

function buildLongMetricDb(path: string): void {
  const store = Store.open(path);
  const run = store.runs.registerRun({ path: "/bench/long" });
  const rows = Array.from({ length: LONG }, (_, i) => ({ key: "reward", step: i, value: Math.sin(i / 5000) + (i % 99_991 === 0 ? 5 : 0) + 0.1 * Math.sin(i), wallTime: null }));
  store.metrics.addMetrics(run.id, rows, "bench");
  store.close();
}

async function serveDb(dbPath: string, dir: string) {
  const core = new Core({ dbPath, demoDir: join(dir, "demo"), transport: "http" });
  const server = await startServer({ core, rendererDir: join(PROJECT_ROOT, "dist", "renderer"), port: 0 });
  return { server, close: async () => (await server.close(), await core.close()) };
}

/** A workspace of synthetic scores, built once per schema and size and kept in the temp folder (building 10 million
 * scores takes a minute or two). Named by a digest of the migrations' text, not only their count, so a schema that
 * changed under the same version never reuses a workspace built for the old one. */
function workspace(size: ScoresDbSize): string {
  const dir = join(tmpdir(), "driftscope-bench-workspaces");
  mkdirSync(dir, { recursive: true });
  const schema = createHash("sha256").update(MIGRATIONS.join("\n")).digest("hex").slice(0, 8);
  const path = join(dir, `v${SCHEMA_VERSION}-${schema}-${size.runs}x${size.checkpoints}x${size.traits}x${size.contexts ?? 1}.db`);
  if (!existsSync(path)) {
    const t = performance.now();
    buildScoresDb(`${path}.partial`, size);
    renameSync(`${path}.partial`, path);
    console.log(`built ${path} in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  }
  return path;
}

function showRuns(path: string, visible: number): void {
  const db = new Database(path);
  db.prepare("UPDATE run SET hidden = CASE WHEN id IN (SELECT id FROM run ORDER BY id LIMIT ?) THEN 0 ELSE 1 END").run(visible);
  db.close();
}

/** Peak resident memory of a process, from Linux's /proc (VmHWM), in MB. */
function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Navigation start to the moment every trait panel had drawn all `runs` series, read from the app's User Timing. */
async function firstCompleteChart(page: Page, runs: number): Promise<number> {
  for (let waited = 0; ; waited += 20) {
    if (waited > 120_000) throw new Error("the drift view never completed");
    await page.waitForTimeout(20);
    const complete = await page.evaluate((want) => {
      const latest = new Map<string, number>();
      for (const m of performance.getEntriesByName("driftscope:drawn") as unknown as { startTime: number; detail: unknown }[]) {
        const { panel, series } = m.detail as { panel: string; series: number };
        latest.set(panel, series);
        if ([...latest.values()].filter((n) => n >= want.series).length >= want.panels) return m.startTime;
      }
      return null;
    }, { series: runs, panels: TRAITS });
    if (complete !== null) return complete;
  }
}

/** Median of 3 first charts, each from a new server process and a new page; and the servers' highest peak RSS. */
async function firstChart(browser: Browser, db: string, visible: number): Promise<{ median: number; rssMb: number }> {
  const times: number[] = [];
  let rssMb = 0;
  for (let i = 0; i < 3; i++) {
    const served = await serve(["--db", db, "--port", "0"]);
    const context = await browser.newContext({ viewport: { width: 1400, height: 950 } });
    try {
      const page = await context.newPage();
      await page.goto(served.url);
      times.push(await firstCompleteChart(page, visible));
      rssMb = Math.max(rssMb, peakRssMb(served.child.pid!));
    } finally {
      await context.close();
      await served.stop();
    }
  }
  return { median: summarise(times).median, rssMb };
}

/** The DOM calls the in-page baselines make (this file is compiled for Node, without DOM types). */
interface PageDom {
  document: {
    body: { innerHTML: string; appendChild(n: unknown): void; getBoundingClientRect(): unknown };
    createElement(tag: "canvas"): { width: number; height: number; getContext(kind: "2d"): { beginPath(): void; lineTo(x: number, y: number): void; stroke(): void } | null };
  };
}

/**
 * The bare baselines' drawing: every point of [start, end) walked into its pixel column's min and max (x0..x1 over
 * `width` columns), and each column stroked as a vertical span, y at 110 - v * yScale. Runs inside the page: put
 * there as source by installBareDrawing, so both baselines do exactly this work.
 */
function strokeColumnMinMax(ctx: { lineTo(x: number, y: number): void }, xs: Float64Array, ys: Float64Array, start: number, end: number, x0: number, x1: number, width: number, yScale: number): void {
  let col = -1;
  let lo = 0;
  let hi = 0;
  for (let i = start; i < end; i++) {
    const c = Math.floor(((xs[i]! - x0) / (x1 - x0)) * width);
    if (c !== col) {
      if (col >= 0) {
        ctx.lineTo(col, 110 - lo * yScale);
        ctx.lineTo(col, 110 - hi * yScale);
      }
      col = c;
      lo = hi = ys[i]!;
    } else {
      lo = Math.min(lo, ys[i]!);
      hi = Math.max(hi, ys[i]!);
    }
  }
}

/** Makes strokeColumnMinMax callable in the page (about:blank: no content policy forbids it). */
async function installBareDrawing(page: Page): Promise<void> {
  await page.evaluate(`globalThis.strokeColumnMinMax = ${strokeColumnMinMax.toString()}`);
}

/** Draws the decimated points of `series` panels on canvases, as a bare baseline; returns ms inside the page. */
async function bareCanvas(page: Page, panels: number, seriesPerPanel: number, points: number, width: number): Promise<number> {
  await installBareDrawing(page);
  return page.evaluate(
    ({ panels, seriesPerPanel, points, width }) => {
      const { document } = globalThis as unknown as PageDom;
      const draw = (globalThis as unknown as { strokeColumnMinMax: typeof strokeColumnMinMax }).strokeColumnMinMax;
      const data = Array.from({ length: seriesPerPanel }, (_, s) => {
        const xs = new Float64Array(points);
        const ys = new Float64Array(points);
        for (let i = 0; i < points; i++) {
          xs[i] = i;
          ys[i] = Math.sin(i / 700 + s);
        }
        return { xs, ys };
      });
      document.body.innerHTML = "";
      const t0 = performance.now();
      for (let p = 0; p < panels; p++) {
        const canvas = document.createElement("canvas");
        canvas.width = width;
        canvas.height = 220;
        document.body.appendChild(canvas);
        const ctx = canvas.getContext("2d")!;
        for (const { xs, ys } of data) {
          ctx.beginPath();
          draw(ctx, xs, ys, 0, points, 0, points, width, 100);
          ctx.stroke();
        }
      }
      document.body.getBoundingClientRect();
      return performance.now() - t0;
    },
    { panels, seriesPerPanel, points, width },
  );
}

/** The DOM calls the bare pan page makes. */
interface PanDom {
  document: {
    body: { innerHTML: string; appendChild(n: unknown): void };
    createElement(tag: "canvas"): {
      width: number;
      height: number;
      style: { cssText: string };
      addEventListener(type: string, f: (e: { clientX: number; timeStamp: number; buttons: number }) => void): void;
      getContext(kind: "2d"): { clearRect(x: number, y: number, w: number, h: number): void; beginPath(): void; lineTo(x: number, y: number): void; stroke(): void } | null;
    };
  };
  requestAnimationFrame(f: () => void): void;
  __pans: number[];
}

/** Drags across a panel-sized region from 70% of its width leftwards, 60 moves of 4 px, as a researcher pans. */
async function dragPan(page: Page, box: { x: number; y: number; width: number; height: number }): Promise<void> {
  await page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2);
  await page.mouse.down();
  for (let i = 1; i <= 60; i++) await page.mouse.move(box.x + box.width * 0.7 - i * 4, box.y + box.height / 2);
  await page.mouse.up();
  await page.waitForTimeout(200);
}

/**
 * The pan baseline: a bare page with one canvas the panel's size over the same million points, which on each mouse
 * move shifts its x range, walks every visible point into per-column min/max and strokes them, and is timed as the
 * app's pan is (from the input event to the frame after paint). What the browser's input and frame pipeline cost
 * with the least work a faithful pan can do without a summary.
 */
async function barePan(page: Page, points: number, width: number): Promise<number[]> {
  await installBareDrawing(page);
  await page.evaluate(
    ({ points, width }) => {
      const g = globalThis as unknown as PanDom;
      const stroke = (globalThis as unknown as { strokeColumnMinMax: typeof strokeColumnMinMax }).strokeColumnMinMax;
      const xs = new Float64Array(points);
      const ys = new Float64Array(points);
      for (let i = 0; i < points; i++) {
        xs[i] = i;
        ys[i] = Math.sin(i / 5000) + 0.1 * Math.sin(i);
      }
      g.document.body.innerHTML = "";
      const canvas = g.document.createElement("canvas");
      canvas.width = width;
      canvas.height = 220;
      canvas.style.cssText = "position:absolute;left:0;top:0";
      g.document.body.appendChild(canvas);
      const ctx = canvas.getContext("2d")!;
      let domain = [0, points - 1];
      let from: { clientX: number; domain: number[] } | null = null;
      g.__pans = [];
      const draw = () => {
        ctx.clearRect(0, 0, width, 220);
        ctx.beginPath();
        const [x0, x1] = domain as [number, number];
        stroke(ctx, xs, ys, Math.max(0, Math.floor(x0)), Math.min(points, Math.ceil(x1) + 1), x0, x1, width, 50);
        ctx.stroke();
      };
      draw();
      canvas.addEventListener("mousedown", (e) => (from = { clientX: e.clientX, domain }));
      canvas.addEventListener("mouseup", () => (from = null));
      canvas.addEventListener("mousemove", (e) => {
        if (!from) return;
        const span = from.domain[1]! - from.domain[0]!;
        const shift = ((from.clientX - e.clientX) / width) * span;
        domain = [from.domain[0]! + shift, from.domain[1]! + shift];
        draw();
        const start = e.timeStamp;
        g.requestAnimationFrame(() => {
          // The browser's MessageChannel (this file is compiled with Node's types, whose ports have no onmessage).
          const channel = new MessageChannel() as unknown as { port1: { onmessage: () => void; close(): void }; port2: { postMessage(v: null): void } };
          channel.port1.onmessage = () => {
            g.__pans.push(performance.now() - start);
            channel.port1.close();
          };
          channel.port2.postMessage(null);
        });
      });
    },
    { points, width },
  );
  await dragPan(page, { x: 0, y: 0, width, height: 220 });
  return page.evaluate(() => (globalThis as unknown as PanDom).__pans);
}

export async function uiBench(): Promise<Figure[]> {
  const skip = needsChromium();
  if (skip) {
    console.log(`ui bench skipped: ${skip}`);
    return [];
  }
  const dir = join(tmpdir(), `driftscope-bench-ui-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const browser = await launchChromium();
  try {
    const figures: Figure[] = [];
    const basePage = await browser.newPage();
    await basePage.goto("about:blank");
    // 1. First complete chart, in a fresh server process each time.
    const wide = workspace({ runs: 100, checkpoints: 1000, traits: TRAITS, contexts: CONTEXTS });
    const long = workspace({ runs: 10, checkpoints: 10_000, traits: TRAITS, contexts: CONTEXTS });
    const cases = [
      { db: wide, visible: 10, checkpoints: 1000, what: "10 visible runs of a 100-run workspace, 1,000 checkpoints", targetMs: 1000 },
      { db: wide, visible: 100, checkpoints: 1000, what: "all 100 runs visible, 1,000 checkpoints", targetMs: 3000 },
      { db: long, visible: 10, checkpoints: 10_000, what: "10 runs x 10,000 checkpoints", targetMs: 1500 },
    ];
    for (const c of cases) {
      showRuns(c.db, c.visible);
      console.log(`load average before "${c.what}": ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
      const r = await firstChart(browser, c.db, c.visible);
      // The baseline draws as many points as a panel can show per series: every checkpoint, or two per column.
      const shown = Math.min(c.checkpoints, 2 * PANEL_WIDTH);
      const bares: number[] = [];
      for (let i = 0; i < 3; i++) bares.push(await bareCanvas(basePage, TRAITS, c.visible, shown, PANEL_WIDTH));
      const bare = summarise(bares).median;
      figures.push({
        name: `first complete chart, cold (fresh server process and page), ${c.what} x ${TRAITS} traits x ${CONTEXTS} contexts; server peak RSS ${r.rssMb.toFixed(0)} MB (target <= 500 MB: ${r.rssMb <= 500 ? "met" : "NOT met"})`,
        ms: r.median,
        baselineName: `bare canvas drawing of ${c.visible} x ${shown} points in each of ${TRAITS} panels`,
        baselineMs: bare,
        target: { text: `under ${c.targetMs} ms and RSS <= 500 MB`, met: r.median < c.targetMs && r.rssMb <= 500 },
      });
    }

    // 2. Opening: from starting `serve` to its printed URL, over the 1 GB workspace and over a one-run workspace.
    // The app checks a workspace's pages on another thread, so this should not grow with the workspace's size.
    const small = join(dir, "small.db");
    const s0 = Store.open(small);
    s0.runs.registerRun({ path: "/bench/one" });
    s0.close();
    const startup = async (db: string) => {
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        const served = await serve(["--db", db, "--port", "0"]);
        times.push(performance.now() - t);
        await served.stop();
      }
      return summarise(times).median;
    };
    const bigStart = await startup(wide);
    const smallStart = await startup(small);
    figures.push({
      name: "serve: process start to its printed URL, over the 100-run workspace (about 1 GB; median of 3)",
      ms: bigStart,
      baselineName: "the same over a one-run workspace",
      baselineMs: smallStart,
      target: { text: "at most 1.5x (opening does not read the whole workspace)", met: bigStart <= 1.5 * smallStart },
    });

    // 3. A million-point metric series: panning it, then (on a new server) its panel's first drawing.
    buildLongMetricDb(join(dir, "long.db"));
    const b = await serveDb(join(dir, "long.db"), dir);
    const page = await browser.newPage({ viewport: { width: 1400, height: 950 } });
    await page.goto(b.server.url);
    const panel = page.locator('[data-panel="reward"]');
    // Once the panel has drawn the series: it appears as soon as the run's metric keys are known, before the series
    // has arrived, and a drag then would time the series' loading as pan frames.
    await panel.locator(`canvas.series-layer[data-points]:not([data-points="0"])`).waitFor({ timeout: 60_000 });
    const box = (await panel.boundingBox())!;
    await dragPan(page, box);
    const pans = await page.evaluate(() => performance.getEntriesByName("driftscope:pan").map((e) => e.duration));
    await b.close();
    if (pans.length < 30) throw new Error(`only ${pans.length} pan frames were measured`);
    const pan = summarise(pans);
    const bare = await barePan(basePage, LONG, Math.round(box.width));
    if (bare.length < 30) throw new Error(`only ${bare.length} bare pan frames were measured`);
    const bareSummary = summarise(bare);
    figures.push({
      name: `pan frame of a ${LONG}-point metric series (input event to the frame after paint; median of ${pans.length})`,
      ms: pan.median,
      p95: pan.p95,
      baselineName: `a bare canvas page panning the same points the same way, every visible point walked per frame (median of ${bare.length})`,
      baselineMs: bareSummary.median,
      baselineP95: bareSummary.p95,
      target: { text: "p95 under 16 ms", met: pan.p95 < 16 },
    });
    // The floor under any pan here: the same page and timing with nothing to draw.
    const floor = summarise(await barePan(basePage, 2, Math.round(box.width)));
    figures.push({
      name: "pan frame floor: the bare page with 2 points, timed the same way (what input to paint costs this browser on this machine)",
      ms: floor.median,
      p95: floor.p95,
      baselineName: "the app's pan frame, above",
      baselineMs: pan.median,
      baselineP95: pan.p95,
    });
    // From a fresh page's navigation to the panel's first drawing with points (the app's User Timing): cold, the
    // server's first read of the series; warm, the median of 3 more pages (the server keeps the series it read).
    const c = await serveDb(join(dir, "long.db"), dir);
    const firstDrawings: number[] = [];
    for (let i = 0; i < 4; i++) {
      const fresh = await browser.newPage({ viewport: { width: 1400, height: 950 } });
      await fresh.goto(c.server.url);
      await fresh.locator('[data-panel="reward"] canvas.series-layer[data-points]:not([data-points="0"])').waitFor({ timeout: 60_000 });
      firstDrawings.push(await fresh.evaluate(() => (performance.getEntriesByName("driftscope:drawn") as unknown as { startTime: number; detail: { panel: string; points: number } }[]).find((m) => m.detail.panel === "reward" && m.detail.points > 0)!.startTime));
      await fresh.close();
    }
    await c.close();
    const bareMillion: number[] = [];
    for (let i = 0; i < 3; i++) bareMillion.push(await bareCanvas(basePage, 1, 1, LONG, PANEL_WIDTH));
    const bareMs = summarise(bareMillion).median;
    const baselineName = `bare canvas drawing of the same ${LONG} points, every one walked into its pixel column`;
    figures.push(
      { name: `first drawing of a ${LONG}-point metric panel from a fresh page's navigation, cold (the server's first read of the series)`, ms: firstDrawings[0]!, baselineName, baselineMs: bareMs },
      { name: `the same, warm (the server has read the series before; median of 3 pages)`, ms: summarise(firstDrawings.slice(1)).median, baselineName, baselineMs: bareMs },
    );
    return figures;
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
