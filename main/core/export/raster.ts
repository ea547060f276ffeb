// Runs one PNG or PDF drawing in a worker thread (see rasterWorker.ts), after checking the raster's size: a PNG is
// at most MAX_RASTER_PIXELS, stated in the error, so no request can make the rasteriser take gigabytes.
import { Worker } from "node:worker_threads";
import { ApiError } from "../../../shared/api.js";

/** 100 megapixels: a 7 x 5 in figure at 1,200 dpi is 50. */
export const MAX_RASTER_PIXELS = 100_000_000;

export interface RasterJob {
  format: "png" | "pdf";
  svg: string;
  widthIn: number;
  heightIn: number;
  dpi: number;
  widthPt: number;
  heightPt: number;
  title: string;
  createdAt: string;
}

export function checkRasterSize(widthIn: number, heightIn: number, dpi: number): void {
  const w = Math.round(widthIn * dpi);
  const h = Math.round(heightIn * dpi);
  if (w * h > MAX_RASTER_PIXELS) {
    throw new ApiError("bad-request", `a PNG of ${w} x ${h} pixels (${((w * h) / 1e6).toFixed(0)} megapixels) is over the ${MAX_RASTER_PIXELS / 1e6}-megapixel limit; lower the DPI or the size`);
  }
}

export function renderInWorker(job: RasterJob): Promise<Buffer> {
  if (job.format === "png") checkRasterSize(job.widthIn, job.heightIn, job.dpi);
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./rasterWorker.js", import.meta.url), { workerData: job });
    worker.once("message", (bytes: Uint8Array) => resolve(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
    worker.once("error", reject);
    worker.once("exit", (code) => code !== 0 && reject(new Error(`the ${job.format.toUpperCase()} renderer stopped (exit code ${code})`)));
  });
}
