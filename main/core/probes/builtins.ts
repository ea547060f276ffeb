// The built-in suites shipped in assets/suites, addressable by id.
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadSuiteFile, type LoadedSuite } from "./suiteLoader.js";

/** assets/suites of the project (or the packaged app), found from this compiled file's place. */
export function builtinSuiteDir(): string {
  const here = fileURLToPath(new URL(".", import.meta.url));
  for (const up of ["../../../../assets/suites", "../../../assets/suites"]) {
    const dir = resolve(here, up);
    if (existsSync(dir)) return dir;
  }
  throw new Error("the built-in suites (assets/suites) are missing from this installation");
}

export function builtinSuiteIds(): string[] {
  return readdirSync(builtinSuiteDir())
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => f.replace(/\.yaml$/, ""))
    .sort();
}

export async function loadBuiltinSuite(id: string): Promise<LoadedSuite | null> {
  const file = join(builtinSuiteDir(), `${id}.yaml`);
  return existsSync(file) ? loadSuiteFile(file) : null;
}
