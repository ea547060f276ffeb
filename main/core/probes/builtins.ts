// The built-in suites shipped in assets/suites, addressable by id.
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { SuiteInfo } from "../../../shared/api.js";
import type { ProbeStore } from "../store/probeStore.js";
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

/** Every suite a researcher can pick: the built-ins, then the versions stored in the workspace. */
export async function listAllSuites(probes: ProbeStore): Promise<SuiteInfo[]> {
  const builtins = await Promise.all(builtinSuiteIds().map(async (id) => ({ id, loaded: (await loadBuiltinSuite(id))! })));
  // A built-in suite a run uses is also stored in the workspace: that copy is the built-in, listed once. Other
  // stored versions of it (from an older release) are listed as what they are.
  const current = new Set(builtins.map((b) => `${b.id}\u0000${b.loaded.version}`));
  return [
    ...builtins.map((b) => ({ id: b.id, version: b.loaded.version, name: b.loaded.suite.name, traits: b.loaded.suite.traits.map((t) => t.id), where: "built-in" })),
    ...probes
      .listSuites()
      .filter((s) => !current.has(`${s.key}\u0000${s.version}`))
      .map((s) => ({ id: s.key, version: s.version, name: s.name, traits: s.traits, where: s.source ?? "workspace" })),
  ];
}
