// The settings form's view of each backend kind, derived from the kind's own schema (its JSON Schema, with the
// titles and descriptions the fields carry), so the form can never disagree with what the core accepts.
import { z } from "zod";
import type { BackendFieldInfo, BackendKindInfo } from "../../../shared/views.js";
import { BACKEND_KINDS } from "./registry.js";

interface JsonProp {
  type?: string;
  title?: string;
  description?: string;
  default?: unknown;
  enum?: string[];
  items?: { type?: string };
  minimum?: number;
  maximum?: number;
  secret?: boolean;
}

function field(name: string, p: JsonProp, required: boolean): BackendFieldInfo | null {
  const type: BackendFieldInfo["type"] | null = p.enum
    ? "choice"
    : p.type === "array" && p.items?.type === "string"
      ? "string-list"
      : p.type === "string" || p.type === "integer" || p.type === "number" || p.type === "boolean"
        ? p.type
        : null;
  if (type === null) return null; // nested settings (retry) stay file-only
  return {
    name,
    label: p.title ?? name,
    help: p.description ?? "",
    type,
    ...(p.enum ? { choices: p.enum } : {}),
    ...(p.default !== undefined ? { default: p.default } : {}),
    ...(p.minimum !== undefined ? { min: p.minimum } : {}),
    ...(p.maximum !== undefined ? { max: p.maximum } : {}),
    required: required && p.default === undefined,
    secret: p.secret === true,
  };
}

export function describeBackendKinds(): BackendKindInfo[] {
  return BACKEND_KINDS.map((k) => {
    const json = z.toJSONSchema(k.schema, { io: "input", unrepresentable: "any" }) as { properties?: Record<string, JsonProp>; required?: string[] };
    const required = new Set(json.required ?? []);
    const fields = Object.entries(json.properties ?? {})
      .filter(([name]) => name !== "kind")
      .map(([name, p]) => field(name, p, required.has(name)))
      .filter((f): f is BackendFieldInfo => f !== null);
    return { kind: k.kind, label: k.label, description: k.description, fields };
  });
}
