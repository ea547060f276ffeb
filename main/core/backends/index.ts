// Backends by kind, and loading a backend from a config file or by name.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { decodeUtf8, InputError } from "../util/readText.js";
import { CommandBackend } from "./command.js";
import { DemoBackend } from "./demo.js";
import { OpenAiBackend } from "./openai.js";
import { ServeCommandBackend } from "./serveCommand.js";
import { backendConfigSchema, type Backend, type BackendConfig } from "./types.js";
import { VllmLoraBackend } from "./vllmLora.js";

export function createBackend(config: BackendConfig): Backend {
  switch (config.kind) {
    case "openai":
      return new OpenAiBackend(config);
    case "vllm-lora":
      return new VllmLoraBackend(config);
    case "serve-command":
      return new ServeCommandBackend(config);
    case "command":
      return new CommandBackend(config);
    case "demo":
      return new DemoBackend(config.name);
  }
}

export const DEMO_BACKEND: BackendConfig = backendConfigSchema.parse({ name: "demo", kind: "demo" });

/** Validates a backend config (from a file, the database or the app), naming the field that is wrong. */
export function parseBackendConfig(value: unknown, where: string): BackendConfig {
  const r = backendConfigSchema.safeParse(value);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new InputError(where, `${i.path.join(".") || "(top level)"}: ${i.message}`);
  }
  if ((r.data.kind === "openai" || r.data.kind === "vllm-lora") && !r.data.baseUrl && !r.data.baseUrls) {
    throw new InputError(where, `backend "${r.data.name}" (${r.data.kind}) needs baseUrl or baseUrls`);
  }
  if ((r.data.kind === "serve-command" || r.data.kind === "command") && !r.data.command) {
    throw new InputError(where, `backend "${r.data.name}" (${r.data.kind}) needs command`);
  }
  return r.data;
}

/** A backend named on the command line: a YAML/JSON file, "demo", or a name the lookup knows (backends stored in the workspace). */
export async function resolveBackendConfig(ref: string, lookup?: (name: string) => BackendConfig | undefined): Promise<BackendConfig> {
  if (existsSync(ref)) {
    const text = decodeUtf8(ref, await readFile(ref));
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

export type { Backend, BackendConfig };
