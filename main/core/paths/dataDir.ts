// Where the workspace database lives by default: the same folder Electron's app.getPath("userData") gives
// for an app named Driftscope, computed without Electron so the CLI and the app share one workspace.
import { homedir } from "node:os";
import { join } from "node:path";

export const APP_NAME = "Driftscope";

export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === "win32") return join(env.APPDATA ?? join(homedir(), "AppData", "Roaming"), APP_NAME);
  if (platform === "darwin") return join(homedir(), "Library", "Application Support", APP_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), ".config"), APP_NAME);
}

/** --db wins, then DRIFTSCOPE_DB, then the app's data folder. */
export function defaultDatabasePath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return flag;
  if (env.DRIFTSCOPE_DB) return env.DRIFTSCOPE_DB;
  return join(userDataDir(env), "driftscope.db");
}
