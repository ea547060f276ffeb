// A run's probe settings, typed once: written by the core when probing is configured, parsed here every time they
// leave the store, so no caller ever casts them.
import { z } from "zod";
import { backendConfigSchema, storedBackendConfig } from "../backends/registry.js";
import { InputError } from "../util/readText.js";

export const runSettingsSchema = z.object({
  /** The suite versions the run is probed with (key and content hash). */
  suites: z.array(z.object({ key: z.string().min(1), version: z.string().min(1) })).min(1),
  backend: backendConfigSchema,
  judge: backendConfigSchema.nullable(),
  /** Probe every k-th checkpoint (by step order). */
  every: z.number().int().min(1),
  latestOnly: z.boolean(),
  /** Threshold overrides for derived rules ("rule.threshold" or "threshold"). */
  thresholds: z.record(z.string(), z.number()),
});

export type RunSettings = z.output<typeof runSettingsSchema>;

/** The stored JSON as settings; null when probing was never configured (an empty object). */
export function parseRunSettings(json: string, where: string): RunSettings | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new InputError(where, "its stored probe settings are not valid JSON");
  }
  if (!value || typeof value !== "object") throw new InputError(where, "its stored probe settings are not an object");
  if (Object.keys(value).length === 0) return null;
  const v = value as { backend?: unknown; judge?: unknown };
  const r = runSettingsSchema.safeParse({ ...value, backend: storedBackendConfig(v.backend), judge: v.judge === undefined ? null : storedBackendConfig(v.judge) });
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new InputError(where, `stored probe settings: ${i.path.join(".") || "(top level)"}: ${i.message}`);
  }
  return r.data;
}
