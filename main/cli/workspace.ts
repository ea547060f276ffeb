// Opens the workspace a command names (--db, DRIFTSCOPE_DB, or the app's data folder) through the core's facade,
// runs the command against it, and always closes it.
import { openWorkspace, type Core, type OpenWorkspaceOptions } from "../core/index.js";

export async function withWorkspace<T>(db: string | undefined, fn: (core: Core) => Promise<T>, options: OpenWorkspaceOptions = {}): Promise<T> {
  const core = openWorkspace({ ...options, db });
  try {
    return await fn(core);
  } finally {
    await core.close();
  }
}
