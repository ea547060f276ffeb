// The one way files written by other programs are read: only regular files (a FIFO, device or socket in a file's
// place is refused before it is opened, and it is opened non-blocking, so one swapped in later cannot hang the
// reader), never more than a limit stated per kind, and errors that name the file and never echo its content.
import { constants, type Stats } from "node:fs";
import { closeFd, fstatFd, openPath, readFd, statPath } from "./fsCallbacks.js";
import { InputError } from "./inputError.js";

/** What a file is read as, and the most of it that is read. Each can be set with DRIFTSCOPE_LIMIT_<KIND> (bytes). */
export const READ_LIMITS = {
  /** A checkpoint's marker files (config.json, adapter_config.json, metric.json, …). */
  marker: 16 * 2 ** 20,
  /** trainer_state.json (its log_history grows with the run). */
  trainerState: 512 * 2 ** 20,
  /**
   * A probe suite (YAML or JSON). Real suites are tens of kilobytes; the YAML parser needs about a hundred times a
   * document's size in memory and a second per megabyte, so larger files are refused rather than parsed.
   */
  suite: 2 * 2 ** 20,
  /** A public format to import (Anthropic evals JSONL, persona-vectors JSON, emergent-misalignment YAML). */
  importSource: 32 * 2 ** 20,
  /** A backend config file. */
  backend: 1 * 2 ** 20,
  /** A safetensors file's JSON header (the format itself allows 100 MB; real headers are kilobytes). */
  safetensorsHeader: 16 * 2 ** 20,
} as const;

export type ReadKind = keyof typeof READ_LIMITS;

// Named once per kind, not per read: a first poll reads thousands of files, and each read looks its limit up.
const LIMIT_VARIABLES = Object.fromEntries(Object.keys(READ_LIMITS).map((kind) => [kind, `DRIFTSCOPE_LIMIT_${kind.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`])) as Record<ReadKind, string>;

/** The environment variable that sets a kind's limit: DRIFTSCOPE_LIMIT_TRAINER_STATE for trainerState. */
export const limitVariable = (kind: ReadKind) => LIMIT_VARIABLES[kind];

export function readLimit(kind: ReadKind, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[limitVariable(kind)];
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isSafeInteger(n) && n > 0 ? n : READ_LIMITS[kind];
}

export function formatBytes(n: number): string {
  return n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(1)} GiB` : n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} bytes`;
}

const KIND_WORDS: Record<ReadKind, string> = {
  marker: "marker file",
  trainerState: "trainer state",
  suite: "suite",
  importSource: "import source",
  backend: "backend config",
  safetensorsHeader: "safetensors header",
};

function notRegular(path: string, s: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): InputError {
  const what = s.isDirectory() ? "a folder" : s.isFIFO() ? "a FIFO (named pipe)" : s.isSocket() ? "a socket" : s.isCharacterDevice() || s.isBlockDevice() ? "a device" : "not a regular file";
  return new InputError(path, `is ${what}, not a regular file; it was not read`);
}

export interface OpenOptions {
  /**
   * The caller has just seen `path` as a regular file (a checkpoint walk's lstat of it): the look before opening is
   * not taken again. The opened file's own stat still refuses anything else, and the open is non-blocking, so what
   * was swapped in since cannot block the reader either way. A first poll of a long run reads thousands of marker
   * files, and each look is a file-system call on the core's thread.
   */
  seenRegular?: boolean;
}

/** An opened regular file: the three calls its readers make. */
export interface RegularFile {
  read(buffer: Buffer, offset: number, length: number, position: number | null): Promise<{ bytesRead: number }>;
  stat(): Promise<Stats>;
  close(): Promise<void>;
}

// Raw descriptors rather than fs/promises' FileHandle: an open, stat, read and close through a FileHandle costs the
// core's thread about a third more (measured over a first poll's 3,000 marker files). Every reader closes in a
// `finally`, which is what FileHandle's close-on-collection would otherwise guard.
function onDescriptor(fd: number): RegularFile {
  return {
    read: async (buffer, offset, length, position) => ({ bytesRead: await readFd(fd, buffer, offset, length, position) }),
    stat: () => fstatFd(fd),
    close: () => closeFd(fd),
  };
}

/**
 * Opens a regular file for reading, refusing anything else before it is opened (and opening non-blocking, so a
 * FIFO swapped in between the two looks cannot block). For readers that read part of a file (logs, headers).
 */
export async function openRegular(path: string, options: OpenOptions = {}): Promise<RegularFile> {
  return (await openRegularSized(path, options)).fh;
}

/** openRegular, with the size the opened file's own stat gave (so a reader need not ask again). */
export async function openRegularSized(path: string, options: OpenOptions = {}): Promise<{ fh: RegularFile; size: number }> {
  if (!options.seenRegular) {
    let s;
    try {
      s = await statPath(path);
    } catch (err) {
      throw new InputError(path, describeFsError(err));
    }
    if (!s.isFile()) throw notRegular(path, s);
  }
  const fd = await openPath(path, constants.O_RDONLY | constants.O_NONBLOCK).catch((err: unknown) => {
    throw new InputError(path, describeFsError(err));
  });
  const fh = onDescriptor(fd);
  let again: Stats;
  try {
    again = await fh.stat();
  } catch (err) {
    await fh.close();
    throw new InputError(path, describeFsError(err));
  }
  if (!again.isFile()) {
    await fh.close();
    throw notRegular(path, again);
  }
  return { fh, size: again.size };
}

/** Reads a whole regular file of at most the kind's limit. */
export async function readBounded(path: string, kind: ReadKind, options: OpenOptions = {}): Promise<Buffer> {
  const limit = readLimit(kind);
  const { fh, size } = await openRegularSized(path, options);
  try {
    if (size > limit) throw new InputError(path, `is ${formatBytes(size)}, over the ${formatBytes(limit)} limit for a ${KIND_WORDS[kind]} (${limitVariable(kind)} raises it)`);
    // Read at most limit + 1 bytes whatever the size said: files in /proc, and files still growing, lie about it.
    // Buffers are sized from what is left by the stated size (at least 16 KiB, at most 1 MiB), not 1 MiB a read: a
    // first poll reads thousands of small marker files, and megabyte buffers for each kept the collector busy.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(1 << 20, limit + 1 - total, Math.max(16 * 1024, size + 1 - total)));
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      chunks.push(buf.subarray(0, bytesRead));
      total += bytesRead;
      if (total > limit) throw new InputError(path, `is over the ${formatBytes(limit)} limit for a ${KIND_WORDS[kind]}`);
      // A short read of a regular file stops at its end. When that end is the stated size, asking again would only
      // return nothing: one call less per file. A file that grew since its stat fills the buffer past the stated
      // size and is read on; /proc's files state 0 and are read to the empty read, as before.
      if (total === size && bytesRead < buf.length) break;
    }
    return Buffer.concat(chunks, total);
  } finally {
    await fh.close();
  }
}

/** A file-system error in words, without the library's stack or the file's content. */
export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "is a folder, not a file";
    case "ELOOP":
      return "too many symbolic links (a link loop?)";
    case "ENAMETOOLONG":
      return "the path is too long";
    default:
      return code ? `cannot be read (${code})` : "cannot be read";
  }
}
