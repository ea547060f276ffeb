// Every backend kind, one line each. The config schema (a union told apart by `kind`), backend creation and the
// settings form's descriptions are built from this list, so adding a kind is its module plus one line here.
import { z } from "zod";
import { commandKind } from "./command.js";
import { demoKind } from "./demo.js";
import type { BackendKind } from "./kind.js";
import { openaiKind } from "./openai.js";
import { serveCommandKind } from "./serveCommand.js";
import type { Backend } from "./types.js";
import { vllmLoraKind } from "./vllmLora.js";

export const BACKEND_KINDS = [
  openaiKind,
  vllmLoraKind,
  serveCommandKind,
  commandKind,
  demoKind,
] as const;

type SchemaOf<K> = K extends { readonly schema: infer Z } ? Z : never;
// Generic, so the mapping keeps the tuple (a mapped type over a concrete tuple would map its methods too).
type SchemasOf<T extends readonly unknown[]> = { -readonly [I in keyof T]: SchemaOf<T[I]> };
type Schemas = SchemasOf<typeof BACKEND_KINDS>;

export const backendConfigSchema = z.discriminatedUnion("kind", BACKEND_KINDS.map((k) => k.schema) as unknown as Schemas);

export type BackendConfig = z.output<typeof backendConfigSchema>;

const BY_KIND = new Map<string, BackendKind>(BACKEND_KINDS.map((k) => [k.kind, k as unknown as BackendKind]));

export function backendKind(kind: string): BackendKind {
  const k = BY_KIND.get(kind);
  if (!k) throw new Error(`no backend kind "${kind}" is registered (known: ${[...BY_KIND.keys()].join(", ")})`);
  return k;
}

export function createBackend(config: BackendConfig): Backend {
  return backendKind(config.kind).create(config);
}

/**
 * A config as an older version stored it, reduced to the fields its kind now has: earlier versions wrote every
 * kind with every field (a demo backend with a health path), which the strict per-kind schemas would refuse.
 */
export function storedBackendConfig(value: unknown): unknown {
  if (!value || typeof value !== "object") return value;
  const kind = (value as { kind?: unknown }).kind;
  const k = typeof kind === "string" ? BY_KIND.get(kind) : undefined;
  if (!k || !(k.schema instanceof z.ZodObject)) return value;
  const known = new Set(Object.keys(k.schema.shape));
  return Object.fromEntries(Object.entries(value).filter(([key]) => known.has(key)));
}
