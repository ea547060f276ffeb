// Opens a workspace database: refuses files it must not touch, then migrates forward.
import Database from "better-sqlite3";
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { MIGRATIONS, SCHEMA_VERSION } from "./schema.js";

export type Db = Database.Database;

/** "DRFT" as a 32-bit integer: marks a SQLite file as a Driftscope workspace (PRAGMA application_id). */
export const APPLICATION_ID = 0x44524654;

export class DatabaseOpenError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = "DatabaseOpenError";
  }
}

const SQLITE_MAGIC = "SQLite format 3\0";

/** Reads the first bytes without SQLite so a foreign or damaged file is never opened for writing. */
function checkHeader(path: string): void {
  if (!existsSync(path)) return;
  const stat = statSync(path);
  if (stat.isDirectory()) throw new DatabaseOpenError(path, "is a folder, not a database file");
  if (stat.size === 0) return; // an empty file is a fresh database to SQLite
  const buf = Buffer.alloc(16);
  const fd = openSync(path, "r");
  try {
    readSync(fd, buf, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (buf.toString("latin1") !== SQLITE_MAGIC) {
    throw new DatabaseOpenError(path, "is not a SQLite database (its header is wrong); the file was left untouched");
  }
}

function describeSqliteError(path: string, err: unknown): DatabaseOpenError {
  const code = (err as { code?: string }).code ?? "";
  const msg = err instanceof Error ? err.message : String(err);
  if (code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB") {
    return new DatabaseOpenError(path, `the database is damaged (${msg}); the file was left untouched`);
  }
  return new DatabaseOpenError(path, msg);
}

export interface OpenOptions {
  readonly?: boolean;
  /**
   * Check the pages after opening, on another thread (deferredCheck), instead of before: for the app, whose first chart
   * should not wait for a read of the whole file. Until the check passes the connection is query-only (reads
   * answer, any write fails); a workspace that needs migrating, or is not yet in WAL mode, is checked first as
   * usual, since opening it writes.
   */
  deferCheck?: boolean;
}

/** What SQLite's own check found wrong with a workspace that still opens; it is then opened read-only. */
const damageOf = new WeakMap<Db, string>();
/** Connections opened with their check deferred and not yet checked, with their file. */
const uncheckedPath = new WeakMap<Db, string>();

/** The deferred check of a connection opened with `deferCheck`: started on demand, settled once. */
export interface DeferredCheck {
  /** Settles when the check has ended: writing is then allowed, or workspaceDamage() says what is wrong. */
  readonly done: Promise<void>;
  /** True until the check has ended. */
  readonly pending: boolean;
  /** True once start() has run. */
  readonly started: boolean;
  /** Starts the check (once; later calls do nothing). */
  start(): void;
  /** Stops a running check (the workspace is closing); nothing is allowed then. */
  stop(): void;
}

/**
 * The deferred check of a connection opened with `deferCheck` (null for any other): SQLite's quick check in a worker
 * thread on a read-only connection of its own. When the workspace is sound, writing is allowed from then on; when it
 * is damaged, the connection stays query-only and workspaceDamage() says what is wrong, as for a damaged workspace
 * found at opening.
 */
export function deferredCheck(db: Db): DeferredCheck | null {
  const path = uncheckedPath.get(db);
  if (path === undefined) return null;
  let worker: Worker | null = null;
  let pending = true;
  let stopping = false;
  // `stopped`: the workspace is closing before the check could say anything; it stays query-only, and nothing is
  // called damaged for it (a serve process stopped during its first seconds used to warn that the workspace was).
  let settle: (problems: string[], stopped?: boolean) => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    settle = (problems, stopped = false) => {
      if (!pending) return;
      pending = false;
      uncheckedPath.delete(db);
      if (db.open && !stopped) {
        if (problems.length === 0) db.pragma("query_only = OFF");
        else damageOf.set(db, damageMessage(path, summarise(problems)));
      }
      resolve();
    };
  });
  return {
    done,
    get pending() {
      return pending;
    },
    get started() {
      return worker !== null || !pending;
    },
    start() {
      if (worker || !pending) return;
      worker = new Worker(new URL("./workspaceCheckWorker.js", import.meta.url), { workerData: { path } });
      worker.once("message", (m: { problems?: string[]; error?: string }) => settle(m.problems ?? [`the check could not run: ${m.error ?? "no answer"}`]));
      worker.once("error", (err) => settle([`the check could not run: ${err.message}`]));
      // Gone without an answer: nothing was learnt, nothing is allowed.
      worker.once("exit", () => settle(["the check did not finish"], stopping));
    },
    stop() {
      stopping = true;
      if (worker) void worker.terminate();
      else settle([], true);
    },
  };
}

/** One line: SQLite lists a problem per line under a "*** in database main ***" heading. */
function summarise(problems: string[]): string {
  const lines = problems.flatMap((p) => p.split("\n")).filter((l) => l.trim() !== "" && !l.startsWith("***"));
  return `${lines.slice(0, 2).join("; ")}${lines.length > 2 ? "; …" : ""}`.slice(0, 300);
}

export function workspaceDamage(db: Db): string | null {
  return damageOf.get(db) ?? null;
}

/** The words said wherever a damaged workspace is refused for writing: what is wrong and how to recover. */
export function damageMessage(path: string, problems: string): string {
  return `${path}: the workspace is damaged (SQLite's check: ${problems}). It was opened read-only and will not be written. To recover: \`driftscope restore BACKUP --db ${path}\` from one of the backups beside it (driftscope backup --list), or rescue what is left with \`sqlite3 ${path} .recover | sqlite3 recovered.db\`.`;
}

export function openDatabase(path: string, options: OpenOptions = {}): Db {
  checkHeader(path);
  let db: Db;
  try {
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (err) {
    throw describeSqliteError(path, err);
  }
  try {
    // First, so every step below waits for another process's lock instead of failing (two processes opening at once).
    db.pragma("busy_timeout = 5000");
    // Read before writing anything: these fail on a damaged file without changing it.
    const version = db.pragma("user_version", { simple: true }) as number;
    const appId = db.pragma("application_id", { simple: true }) as number;
    const tableCount = (db.prepare("SELECT count(*) AS n FROM sqlite_schema").get() as { n: number }).n;
    if (appId !== APPLICATION_ID && (appId !== 0 || tableCount > 0)) {
      throw new DatabaseOpenError(path, "is a SQLite database, but not a Driftscope workspace; the file was left untouched");
    }
    if (version > SCHEMA_VERSION) {
      throw new DatabaseOpenError(
        path,
        `was written by a newer Driftscope (schema version ${version}; this version understands up to ${SCHEMA_VERSION}). Update Driftscope to open it; the file was left untouched.`,
      );
    }
    const deferred = !options.readonly && options.deferCheck === true && tableCount > 0 && version === SCHEMA_VERSION && db.pragma("journal_mode", { simple: true }) === "wal";
    if (!options.readonly && !deferred) {
      // Pages damaged in the middle of the file do not stop SQLite from answering queries, so look before writing.
      const check = db.pragma("quick_check(5)") as { quick_check: string }[];
      const problems = check.map((r) => r.quick_check).filter((m) => m !== "ok");
      if (problems.length > 0) {
        db.close();
        const ro = new Database(path, { readonly: true, fileMustExist: true });
        ro.pragma("busy_timeout = 5000");
        damageOf.set(ro, damageMessage(path, summarise(problems)));
        return ro;
      }
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      // Checkpoint the WAL every ~32 MB rather than every 4 MB: each checkpoint syncs the database file, and a probe
      // commits a batch of samples several times a second.
      db.pragma("wal_autocheckpoint = 8192");
    }
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
    if (!options.readonly) migrate(db, version);
    // Nothing is written until the deferred check has passed (deferredCheck lifts this).
    if (deferred) {
      db.pragma("query_only = ON");
      uncheckedPath.set(db, path);
    }
    return db;
  } catch (err) {
    db.close();
    if (err instanceof DatabaseOpenError) throw err;
    throw describeSqliteError(path, err);
  }
}

function migrate(db: Db, from: number): void {
  for (let v = from; v < SCHEMA_VERSION; v++) {
    const step = db.transaction(() => {
      // Another process may have migrated while this one waited for the write lock (two processes opening a new
      // workspace at once): look again inside the transaction.
      if ((db.pragma("user_version", { simple: true }) as number) > v) return;
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
      db.pragma(`application_id = ${APPLICATION_ID}`);
    });
    step.immediate();
  }
}
