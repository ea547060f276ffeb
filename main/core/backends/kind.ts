// What a backend kind is: one module per kind (its settings schema, how to create it, how the settings form shows
// it), registered in registry.ts.
import type { z } from "zod";
import type { Backend } from "./types.js";

export interface BackendKind<C extends { kind: string; name: string } = { kind: string; name: string }> {
  readonly kind: C["kind"];
  /** A strict object with `kind` as a literal; its fields carry title/description metadata for the form. */
  readonly schema: z.ZodType<C, unknown>;
  readonly label: string;
  readonly description: string;
  create(config: C): Backend;
}

/** A backend kind that keeps its schema's own type, so the registry can build a discriminated union from it. */
export type BackendKindOf<Z extends z.ZodType<{ kind: string; name: string }, unknown>> = Omit<BackendKind<z.output<Z>>, "schema"> & { readonly schema: Z };

export function defineBackendKind<Z extends z.ZodType<{ kind: string; name: string }, unknown>>(kind: BackendKindOf<Z>): BackendKindOf<Z> {
  return kind;
}
