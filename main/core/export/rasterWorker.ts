// PNG and PDF drawing in a worker thread: a large figure takes the rasteriser seconds, and serve mode's other
// clients (and the app's UI calls) must stay answered meanwhile.
import { parentPort, workerData } from "node:worker_threads";
import type { RasterJob } from "./raster.js";

const job = workerData as RasterJob;
const bytes =
  job.format === "png"
    ? (await import("./png.js")).svgToPng(job.svg, job.widthIn, job.heightIn, job.dpi)
    : await (await import("./pdf.js")).svgToPdf(job.svg, job.widthPt, job.heightPt, { title: job.title, createdAt: new Date(job.createdAt) });
parentPort!.postMessage(bytes);
