// Runs the driftscope command as a child process without blocking this process, whose event loop may be serving
// stand-in servers the command talks to.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { PROJECT_ROOT } from "./sharedFixtures.js";

export const CLI = join(PROJECT_ROOT, "bin", "driftscope.js");

export function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args]);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

export async function cliJson<T>(args: string[]): Promise<T> {
  return JSON.parse((await cli(args)).stdout) as T;
}
