// Completion for the browser's run-folder field: the folders whose path starts with what was typed. Only folder
// names are listed (never files or their contents), hidden folders only when the typed name starts with a dot, and
// at most `limit` of them, so a huge directory cannot make the answer large.
import { readdir } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";

export async function completeFolder(prefix: string, limit = 40): Promise<{ folders: string[]; truncated: boolean }> {
  const typed = prefix.startsWith("~/") || prefix === "~" ? path.join(homedir(), prefix.slice(1)) : prefix;
  if (!path.isAbsolute(typed)) return { folders: [], truncated: false };
  // "/a/b/" lists /a/b; "/a/b/ru" lists /a/b for names starting "ru".
  const endsWithSep = typed.endsWith(path.sep);
  const dir = endsWithSep ? typed : path.dirname(typed);
  const start = endsWithSep ? "" : path.basename(typed);
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return { folders: [], truncated: false }; // not a folder, or not readable: nothing to offer
  }
  const names = entries
    .filter((e) => e.isDirectory() && e.name.startsWith(start) && (start.startsWith(".") || !e.name.startsWith(".")))
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b));
  return { folders: names.slice(0, limit).map((n) => path.join(dir, n)), truncated: names.length > limit };
}
