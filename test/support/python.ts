// The Python environment of the real-software tests (TRL, transformers, `transformers serve`, the activation
// worker): DRIFTSCOPE_PYTHON (set by .ci/run from scripts/python-env.sh), else the environment that script makes by
// default. When it is missing or lacks a package, the tests that need it skip with one line saying why.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "./sharedFixtures.js";

export const PYTHON = process.env.DRIFTSCOPE_PYTHON ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "driftscope-venv", "bin", "python");
export const PYTHON_SCRIPTS = join(PROJECT_ROOT, "test", "python");
export const ACTIVATION_WORKER = join(PROJECT_ROOT, "assets", "workers", "activation_worker.py");
/** The `transformers` command of the same environment. */
export const TRANSFORMERS_CLI = join(PYTHON, "..", "transformers");

let checked: false | string | undefined;

/** For node:test's `skip` option: false when real TRL and transformers are there, else the one-line reason. */
export function needsRealPython(): false | string {
  if (checked !== undefined) return checked;
  if (process.env.DRIFTSCOPE_PYTHON_UNAVAILABLE) return (checked = `real-software test skipped: ${process.env.DRIFTSCOPE_PYTHON_UNAVAILABLE}`);
  if (!existsSync(PYTHON)) return (checked = `real-software test skipped: no Python environment at ${PYTHON} (make it with: bash scripts/python-env.sh)`);
  const r = spawnSync(PYTHON, ["-c", "import torch, transformers, trl, peft, tensorboard, fastapi, uvicorn"], { encoding: "utf8", timeout: 120_000 });
  if (r.status !== 0) return (checked = `real-software test skipped: ${PYTHON} cannot import torch, transformers, trl, peft, tensorboard and the serving extras (${(r.stderr || r.error?.message || "").trim().split("\n").pop()})`);
  return (checked = false);
}

/** Runs a script of test/python with the environment's python (input on stdin); throws with its output when it fails. */
export function runPython(script: string, args: string[], options: { timeoutMs?: number; input?: string } = {}): string {
  return python([join(PYTHON_SCRIPTS, script), ...args], script, options);
}

/** Runs a line of Python code in the environment; throws with its output when it fails. */
export function pythonCode(code: string): string {
  return python(["-c", code], "python -c");
}

function python(args: string[], what: string, options: { timeoutMs?: number; input?: string } = {}): string {
  const r = spawnSync(PYTHON, args, { encoding: "utf8", input: options.input, timeout: options.timeoutMs ?? 300_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, HF_HUB_OFFLINE: "1", TRANSFORMERS_OFFLINE: "1" } });
  if (r.status !== 0) throw new Error(`${what} failed (${r.status ?? r.signal}): ${(r.stderr || r.error?.message || "").slice(-3000)}`);
  return r.stdout;
}
