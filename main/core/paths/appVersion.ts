// The app's version, from package.json (four levels up from dist/main/core/paths, in the repo and in the package).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

export function appVersion(): string {
  if (cached === undefined) {
    try {
      cached = (JSON.parse(readFileSync(resolve(fileURLToPath(new URL(".", import.meta.url)), "../../../../package.json"), "utf8")) as { version: string }).version;
    } catch {
      cached = "unknown";
    }
  }
  return cached;
}
