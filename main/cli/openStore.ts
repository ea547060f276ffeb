// Opens the workspace the command names (--db, DRIFTSCOPE_DB, or the app's data folder).
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { defaultDatabasePath } from "../core/paths/dataDir.js";
import { Store } from "../core/store/store.js";
import { UsageError } from "./args.js";

export function openStore(dbFlag: string | undefined): Store {
  const path = defaultDatabasePath(dbFlag);
  mkdirSync(dirname(path), { recursive: true });
  return Store.open(path);
}

export function requireRun(store: Store, ref: string | undefined) {
  if (ref === undefined) throw new UsageError("name the run (its id or name; `driftscope runs` lists them)");
  const run = store.findRun(ref);
  if (!run) throw new UsageError(`no run "${ref}" in this workspace (\`driftscope runs\` lists them)`);
  return run;
}
