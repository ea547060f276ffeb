// How the app names a suite to the core: a built-in by its id (its current version), a workspace suite as
// key@version. A run's probing lists key@version for both; these turn one into the other.
import type { SuiteInfo } from "../shared/api.js";

export const suiteRef = (s: SuiteInfo) => (s.where === "built-in" ? s.id : `${s.id}@${s.version}`);

/** A run's stored suite (key@version) as the app names it. */
export function runSuiteRef(list: SuiteInfo[], stored: string): string {
  const [key, version] = stored.split("@");
  return list.some((x) => x.where === "built-in" && x.id === key && x.version === version) ? key! : stored;
}
