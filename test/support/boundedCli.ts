// Runs the driftscope command as a child with bounds: a heap cap (so a memory blow-up fails instead of swapping), a
// wall-clock limit (a hang is killed and reported as one), and its peak resident memory reported back.
import { spawn } from "node:child_process";
import { CLI } from "./cli.js";

export interface BoundedRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
  /** Peak resident set size in MB, as the process itself saw it at exit (null if it died without saying). */
  peakMb: number | null;
}

const REPORT_RSS = 'data:text/javascript,process.on("exit",()=>process.stderr.write(`\\n@@peak-rss-kb=${process.resourceUsage().maxRSS}\\n`))';

export function boundedCli(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; heapMb?: number } = {}): Promise<BoundedRun> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [`--max-old-space-size=${options.heapMb ?? 512}`, "--import", REPORT_RSS, CLI, ...args], { env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs ?? 20_000);
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      const m = /@@peak-rss-kb=(\d+)/.exec(stderr);
      resolve({ status, signal, stdout, stderr: stderr.replace(/\n?@@peak-rss-kb=\d+\n?/, ""), ms: Date.now() - started, timedOut, peakMb: m ? Number(m[1]) / 1024 : null });
    });
  });
}
