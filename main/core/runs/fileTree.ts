// Lists the files of a checkpoint folder with sizes and mtimes: the raw material of the completeness rule.
import { createHash } from "node:crypto";
import { readdir, realpath } from "node:fs/promises";
import { lstatPath, statPath } from "../util/fsCallbacks.js";
import { join, sep } from "node:path";

export interface FileEntry {
  /** Relative to the checkpoint folder, with "/" separators. */
  rel: string;
  size: number;
  mtimeMs: number;
}

export interface FileTree {
  files: FileEntry[];
  /** Sub-folders, relative, so formats can check that one exists even when it is empty. */
  dirs: string[];
  /** Paths that could not be read (vanished mid-walk, permission denied, dangling link). */
  /** What could not be read, and why; `code` is the system's error code where a call failed. */
  unreadable: { rel: string; reason: string; code?: string }[];
}

export interface WalkOptions {
  maxDepth?: number;
  /**
   * The run folder (its real path): a link, or the folder itself, that leads outside it is reported, not followed,
   * so a checkpoint linked to / cannot make the scan walk the file system. Unset: links are followed anywhere.
   */
  within?: string | null;
  /** Entries looked at, at most: a folder with more is reported rather than listed (default 100,000). */
  maxEntries?: number;
  /**
   * The caller knows `root`'s real path is `root` itself, inside `within` (a folder listed, not a link, in the run
   * folder): it is not resolved again. Resolving a path costs a call per component of it, per checkpoint.
   */
  rootIsReal?: boolean;
}

const inside = (path: string, dir: string) => path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);

/**
 * Walks a folder without following symbolic links to folders, so a link loop cannot trap the scan. Links to files
 * are followed, within the run folder unless told otherwise.
 */
export async function walkFiles(root: string, depthOrOptions: number | WalkOptions = 6): Promise<FileTree> {
  const options: WalkOptions = typeof depthOrOptions === "number" ? { maxDepth: depthOrOptions } : depthOrOptions;
  const maxDepth = options.maxDepth ?? 6;
  const maxEntries = options.maxEntries ?? 100_000;
  const within = options.within ?? null;
  const tree: FileTree = { files: [], dirs: [], unreadable: [] };
  let seen = 0;
  if (within !== null && !options.rootIsReal) {
    const real = await realpath(root).catch(() => null);
    if (real !== null && !inside(real, within)) {
      tree.unreadable.push({ rel: ".", reason: `is a link to ${real}, outside the run folder; not followed (watch --follow-links follows it)` });
      return tree;
    }
  }
  async function visit(dir: string, rel: string, depth: number): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      tree.unreadable.push({ rel: rel || ".", reason: errorCode(err), code: (err as NodeJS.ErrnoException).code });
      return;
    }
    for (const e of entries) {
      if (++seen > maxEntries) {
        tree.unreadable.push({ rel: rel || ".", reason: `holds more than ${maxEntries} entries; not walked further` });
        return;
      }
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      const full = join(dir, e.name);
      if (e.isDirectory()) {
        tree.dirs.push(childRel);
        if (depth < maxDepth) await visit(full, childRel, depth + 1);
        continue;
      }
      try {
        if (e.isSymbolicLink() && within !== null) {
          const target = await realpath(full);
          if (!inside(target, within)) {
            tree.unreadable.push({ rel: childRel, reason: `is a link to ${target}, outside the run folder; not followed (watch --follow-links follows it)` });
            continue;
          }
        }
        const s = e.isSymbolicLink() ? await statPath(full) : await lstatPath(full);
        if (s.isDirectory()) continue; // a link to a folder: not followed
        if (!s.isFile()) {
          // A FIFO, device or socket among a checkpoint's files is never opened (reading one can block forever).
          tree.unreadable.push({ rel: childRel, reason: s.isFIFO() ? "is a FIFO (named pipe), not a regular file" : s.isSocket() ? "is a socket, not a regular file" : "is a device, not a regular file" });
          continue;
        }
        tree.files.push({ rel: childRel, size: s.size, mtimeMs: s.mtimeMs });
      } catch (err) {
        tree.unreadable.push({ rel: childRel, reason: errorCode(err), code: (err as NodeJS.ErrnoException).code });
      }
    }
  }
  await visit(root, "", 0);
  tree.files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return tree;
}

/** Names, sizes and mtimes in one hash: equal fingerprints on two scans mean nothing changed between them. */
export function fingerprint(tree: FileTree): string {
  const h = createHash("sha1");
  for (const f of tree.files) h.update(`${f.rel}\t${f.size}\t${f.mtimeMs}\n`);
  for (const d of [...tree.dirs].sort()) h.update(`${d}/\n`);
  return h.digest("hex");
}

export function errorCode(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case "ENOENT":
      return "does not exist (removed while reading?)";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ELOOP":
      return "symbolic link loop";
    case "ENOTDIR":
      return "is not a folder";
    default:
      return e.message ?? String(err);
  }
}
