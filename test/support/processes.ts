// Which processes are running, read from /proc (Linux) without depending on pgrep: a pid whose command line holds a
// marker. Throws where /proc is missing, so a check that a process stopped can never pass vacuously.
import { readdirSync, readFileSync } from "node:fs";

export function processesMatching(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ");
    } catch {
      continue; // exited while being read
    }
    if (cmdline.includes(marker)) pids.push(Number(entry));
  }
  return pids;
}

/** Whether no process holds the marker within a bound (a stopped server's children may take a moment to exit). */
export async function goneWithin(marker: string, ms = 10_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (processesMatching(marker).length === 0) return true;
  return processesMatching(marker).length === 0;
}
