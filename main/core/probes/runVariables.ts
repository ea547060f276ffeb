// Run variables in eval contexts: a context's system prompt (or user prefix) may say {var.NAME}, or
// {var.NAME|default}, and each run is probed with its own value — ten conditions with ten inoculation prompts are
// each probed under their own. A run without the variable (and no default) skips that context, with a note.
import type { Context } from "./suiteSchema.js";

const VAR = /\{var\.([A-Za-z_][\w-]*)(?:\|([^}]*))?\}/g;

/** The variables a context needs that have no default. */
export function requiredVariables(context: Context): string[] {
  const out = new Set<string>();
  for (const text of [context.system, context.userPrefix]) {
    if (!text) continue;
    for (const m of text.matchAll(VAR)) if (m[2] === undefined) out.add(m[1]!);
  }
  return [...out];
}

/** The context with the run's variables filled in; null when one it needs is missing. */
export function resolveContext(context: Context, variables: Record<string, string>): { context: Context; missing: null } | { context: null; missing: string[] } {
  const missing = requiredVariables(context).filter((v) => variables[v] === undefined);
  if (missing.length > 0) return { context: null, missing };
  const fill = (text: string | null | undefined) => (text == null ? text : text.replace(VAR, (_, name: string, dflt: string | undefined) => variables[name] ?? dflt ?? ""));
  return { context: { ...context, system: fill(context.system) ?? null, ...(context.userPrefix !== undefined ? { userPrefix: fill(context.userPrefix)! } : {}) }, missing: null };
}

/** Parses NAME=VALUE (the CLI's --var); names are identifiers. */
export function parseVariable(text: string): [string, string] {
  const m = /^([A-Za-z_][\w-]*)=([\s\S]*)$/.exec(text);
  if (!m) throw new Error(`--var expects NAME=VALUE (a name of letters, digits, _ and -), got "${text}"`);
  return [m[1]!, m[2]!];
}
