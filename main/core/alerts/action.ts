// A rule's action: a program run without a shell (so nothing in a run name or value is ever interpreted), with the
// firing described in its environment, killed at its timeout, its output kept (truncated) with the alert.
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";
import type { FiredAlert } from "../../../shared/views.js";

const MAX_OUTPUT = 64 * 1024;

/** The program as it will be run, or an error saying it cannot be: checked when the rule is added. */
export function resolveProgram(program: string, env: NodeJS.ProcessEnv = process.env): string {
  const executable = (p: string) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (program.includes("/") || isAbsolute(program)) {
    if (executable(program)) return program;
    throw new Error(`${program}: no such executable program`);
  }
  for (const dir of (env.PATH ?? "").split(delimiter).filter(Boolean)) if (executable(join(dir, program))) return join(dir, program);
  throw new Error(`${program}: no such program on PATH`);
}

export function runAction(exec: string[], alert: FiredAlert, timeoutMs: number, ruleId: number): Promise<NonNullable<FiredAlert["exec"]>> {
  const [program, ...args] = exec;
  const env = {
    ...process.env,
    DRIFTSCOPE_RUN: alert.run,
    DRIFTSCOPE_STEP: String(alert.step),
    DRIFTSCOPE_TRAIT: alert.trait ?? "",
    DRIFTSCOPE_CONTEXT: alert.context ?? "",
    DRIFTSCOPE_METRIC: alert.metric ?? "",
    DRIFTSCOPE_VALUE: alert.value === null ? "" : String(alert.value),
    DRIFTSCOPE_RULE: String(ruleId),
  };
  return new Promise((resolve) => {
    let output = "";
    let timedOut = false;
    const keep = (d: Buffer) => {
      if (output.length < MAX_OUTPUT) output = (output + d.toString("utf8")).slice(0, MAX_OUTPUT);
    };
    const child = spawn(program!, args, { env, shell: false, stdio: ["ignore", "pipe", "pipe"] });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", (err) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, output: `${program}: ${err.message}`, timedOut: false });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output: timedOut ? `${output}\n[killed after ${timeoutMs} ms]`.trimStart() : output, timedOut });
    });
  });
}
