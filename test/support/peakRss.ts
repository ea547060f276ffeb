// Runs the driftscope command and reports its peak resident memory, read from /proc/PID/status (VmHWM, the kernel's
// own high-water mark) every 20 ms while it runs; the last reading before exit is within 20 ms of the end.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { CLI } from "./cli.js";

export function cliPeakRss(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string; peakMb: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args]);
    let stdout = "";
    let stderr = "";
    let peakKb = 0;
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        // exited between readings
      }
    }, 20);
    child.on("close", (status) => {
      clearInterval(timer);
      resolve({ status, stdout, stderr, peakMb: peakKb / 1024 });
    });
  });
}
