// Opens the workspace a command names (--db, DRIFTSCOPE_DB, or the app's data folder) through the core's facade,
// runs the command against it, and always closes it.
import { openWorkspace, type Core, type OpenWorkspaceOptions } from "../core/index.js";

export async function withWorkspace<T>(db: string | undefined, fn: (core: Core) => Promise<T>, options: OpenWorkspaceOptions = {}): Promise<T> {
  const core = openWorkspace({ ...options, db });
  // A damaged workspace still answers what it can, read-only; say so once, before anything else is printed.
  if (core.damage) process.stderr.write(`driftscope: warning: ${core.damage}\n`);
  try {
    return await fn(core);
  } finally {
    await core.close();
  }
}
