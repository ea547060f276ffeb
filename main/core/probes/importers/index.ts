// Importers for the public probe formats, by name.
import { readBounded } from "../../util/boundedRead.js";
import { stringify } from "yaml";
import { decodeUtf8 } from "../../util/readText.js";
import { parseSuite, type LoadedSuite } from "../suiteLoader.js";
import type { SuiteInput } from "../suiteSchema.js";
import { importAnthropicEvals } from "./anthropicEvals.js";
import type { ImportOptions } from "./common.js";
import { importEmYaml } from "./emergentMisalignment.js";
import { importPersonaVectors } from "./personaVectors.js";

export const IMPORT_FORMATS = ["anthropic-evals", "persona-vectors", "em-yaml"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

const IMPORTERS: Record<ImportFormat, (path: string, text: string, options: ImportOptions) => SuiteInput> = {
  "anthropic-evals": importAnthropicEvals,
  "persona-vectors": importPersonaVectors,
  "em-yaml": importEmYaml,
};

/** Imports a file and validates the result as any suite file is validated; returns the suite and its YAML text. */
export async function importSuiteFile(path: string, format: ImportFormat, options: ImportOptions = {}): Promise<LoadedSuite & { yaml: string }> {
  const text = decodeUtf8(path, await readBounded(path, "importSource"));
  const input = IMPORTERS[format](path, text, options);
  const yaml = `# Imported by Driftscope from ${path} (${format}).\n` + stringify(input, { lineWidth: 0 });
  return { ...parseSuite(`${path} (imported)`, yaml), yaml };
}

export type { ImportOptions };
