// Argument parsing for the CLI, on node:util's parseArgs, with errors that say which flag was wrong.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { parseVariable } from "../core/index.js";

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Flags every command accepts. */
export const COMMON_OPTIONS = {
  db: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies Options;

export function parse<O extends Options>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function intFlag(name: string, value: string | undefined, opts: { min?: number } = {}): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw new UsageError(`--${name} expects a whole number, got "${value}"`);
  const n = Number(value);
  if (opts.min !== undefined && n < opts.min) throw new UsageError(`--${name} must be at least ${opts.min}, got ${n}`);
  return n;
}

/** A number within [min, max] (fractions allowed). */
export function numberFlag(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} expects a number from ${min} to ${max}, got "${value}"`);
  return n;
}

/** Seconds as given on the command line (may be fractional), returned in milliseconds. */
export function secondsFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || value.trim() === "") throw new UsageError(`--${name} expects a number of seconds, got "${value}"`);
  return Math.round(n * 1000);
}

export function choiceFlag<T extends string>(name: string, value: string | undefined, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!choices.includes(value as T)) throw new UsageError(`--${name} must be one of ${choices.join(", ")}; got "${value}"`);
  return value as T;
}

/** --var NAME=VALUE flags as a map; a malformed one is the user's input (exit 2). */
export function varFlags(list: string[] | undefined): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const v of list ?? []) {
    try {
      const [k, val] = parseVariable(v);
      variables[k] = val;
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  return variables;
}
