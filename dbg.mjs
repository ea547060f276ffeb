import { Core } from "/work/main/dist/main/core/core.js";
import { startServer } from "/work/main/dist/main/server/server.js";
import { launchChromium } from "/work/main/dist/test/support/browser.js";
const dir = "/tmp/profui";
const core = new Core({ dbPath: dir + "/s.db", demoDir: dir + "/demo", transport: "http" });
const server = await startServer({ core, rendererDir: "/work/main/dist/renderer", port: 0 });
const browser = await launchChromium();
for (let i = 0; i < 4; i++) {
const page = await browser.newPage({ viewport: { width: 1400, height: 950 } });
await page.goto(server.url);
await page.waitForTimeout(2500);
if (i > 0) console.log(await page.evaluate(() => JSON.stringify({ scores: performance.getEntriesByType("resource").filter(r => /ScoreSeries/.test(r.name)).map(r => Math.round(r.responseEnd)), first: Math.round(performance.getEntriesByName("driftscope:drawn")[0]?.startTime), last: Math.round(performance.getEntriesByName("driftscope:drawn").at(-1)?.startTime) })));
await page.close();
}
await browser.close(); await server.close(); await core.close();
