// driftscope backup [--out FILE] [--list] | restore FILE: online backups of the workspace, and putting one back.
import { defaultDatabasePath, listBackups, restoreWorkspace } from "../../core/index.js";
import { parse, UsageError } from "../args.js";
import { printJson, type Io } from "../output.js";
import { withWorkspace } from "../workspace.js";

export const BACKUP_HELP = `driftscope backup [--out FILE] [--list] [--db FILE]
  Copies the workspace with SQLite's online backup (consistent while the app or a watch writes) into the backups
  folder beside it, keeping the newest three (serve mode and the app also back up every six hours). --list shows them.
driftscope restore FILE [--db FILE]
  Replaces the workspace with a backup, after checking the backup is sound. Stop the app and any watch first; the
  replaced file is kept beside it as NAME.before-restore-TIME.
`;

export async function backupCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { out: { type: "string" }, list: { type: "boolean" } });
  if (values.help) return io.out(BACKUP_HELP), 0;
  if (positionals.length > 0) throw new UsageError("backup takes no arguments (use --out FILE)");
  if (values.list) {
    const files = listBackups(defaultDatabasePath(values.db));
    if (values.json) printJson(io, files);
    else io.out(files.length ? files.join("\n") + "\n" : "no backups yet\n");
    return 0;
  }
  return withWorkspace(values.db, async (core) => {
    const file = await core.backupWorkspace(values.out);
    if (values.json) printJson(io, { file });
    else io.out(`${file}\n`);
    return 0;
  });
}

export async function restoreCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, {});
  if (values.help) return io.out(BACKUP_HELP), 0;
  if (positionals.length !== 1) throw new UsageError("restore needs the backup file (driftscope backup --list)");
  const r = restoreWorkspace(defaultDatabasePath(values.db), positionals[0]!);
  if (values.json) printJson(io, r);
  else io.out(`restored ${r.restored} from ${positionals[0]}${r.keptAs ? `; the file it replaced is kept as ${r.keptAs}` : ""}\n`);
  return 0;
}
