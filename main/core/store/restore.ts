// Restoring a workspace from a backup: the backup must itself be a sound Driftscope workspace; the file it replaces
// is kept beside it (never deleted), with its WAL, so a wrong restore can be undone by hand.
import { copyFileSync, existsSync, renameSync } from "node:fs";
import { DatabaseOpenError, openDatabase } from "./database.js";

export function restoreWorkspace(dbPath: string, from: string): { restored: string; keptAs: string | null } {
  if (!existsSync(from)) throw new DatabaseOpenError(from, "no such backup file");
  const check = openDatabase(from, { readonly: true });
  try {
    const result = (check.pragma("integrity_check(5)") as { integrity_check: string }[]).map((r) => r.integrity_check);
    if (result.join() !== "ok") throw new DatabaseOpenError(from, `the backup is damaged too (${result.join("; ")}); nothing was changed`);
  } finally {
    check.close();
  }
  let keptAs: string | null = null;
  if (existsSync(dbPath)) {
    keptAs = `${dbPath}.before-restore-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    renameSync(dbPath, keptAs);
    for (const ext of ["-wal", "-shm"]) if (existsSync(dbPath + ext)) renameSync(dbPath + ext, keptAs + ext);
  }
  copyFileSync(from, dbPath);
  return { restored: dbPath, keptAs };
}
