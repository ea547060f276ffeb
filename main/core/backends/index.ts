// Loading a backend config from a file, the workspace or the app, with errors that name the field.
import { existsSync } from "node:fs";
import { readBounded } from "../util/boundedRead.js";
import { parse as parseYaml } from "yaml";
import { decodeUtf8, InputError } from "../util/readText.js";
import { backendConfigSchema, createBackend, type BackendConfig } from "./registry.js";
import type { Backend } from "./types.js";

export const DEMO_BACKEND: BackendConfig = backendConfigSchema.parse({ name: "demo", kind: "demo" });

/** Validates a backend config (from a file, the database or the app), naming the field that is wrong. */
export function parseBackendConfig(value: unknown, where: string): BackendConfig {
  const r = backendConfigSchema.safeParse(value);
  if (!r.success) {
    const i = r.error.issues[0]!;
    const v = (value ?? {}) as { name?: unknown; kind?: unknown };
    // A rule over the whole config (an address is needed) reads best with the backend it is about.
    if (i.path.length === 0 && typeof v.name === "string") throw new InputError(where, `backend "${v.name}" (${String(v.kind)}) ${i.message}`);
    throw new InputError(where, `${i.path.join(".") || "(top level)"}: ${i.message}`);
  }
  return r.data;
}

/** A backend named on the command line: a YAML/JSON file, "demo", or a name the lookup knows (backends stored in the workspace). */
export async function resolveBackendConfig(ref: string, lookup?: (name: string) => BackendConfig | undefined): Promise<BackendConfig> {
  if (existsSync(ref)) {
    const text = decodeUtf8(ref, await readBounded(ref, "backend"));
    let value: unknown;
    try {
      value = parseYaml(text);
    } catch (err) {
      throw new InputError(ref, (err as Error).message.split("\n")[0]!);
    }
    return parseBackendConfig(value, ref);
  }
  if (ref === "demo") return DEMO_BACKEND;
  const found = lookup?.(ref);
  if (found) return found;
  throw new InputError(ref, "is neither a backend config file nor a known backend name (try a YAML file, or demo)");
}

export { createBackend };
export type { Backend, BackendConfig };
