// Listing a rollout location's files: a folder's entries that match a name pattern, or one file.
import { readdir, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import type { RolloutFile } from "../types.js";

export async function listFiles(location: string, pattern: RegExp, order: (name: string) => number): Promise<RolloutFile[]> {
  const info = await stat(location).catch(() => null);
  if (!info) return [];
  if (info.isFile()) return [{ key: basename(location), path: location, size: info.size, mtimeMs: info.mtimeMs }];
  if (!info.isDirectory()) return [];
  const names = (await readdir(location)).filter((n) => pattern.test(n)).sort((a, b) => order(a) - order(b) || (a < b ? -1 : 1));
  const out: RolloutFile[] = [];
  for (const name of names) {
    const s = await stat(join(location, name)).catch(() => null);
    if (s?.isFile()) out.push({ key: name, path: join(location, name), size: s.size, mtimeMs: s.mtimeMs });
  }
  return out;
}

/** The number in a file name (completions_00012.parquet, 12.jsonl), for step order. */
export const numberIn = (name: string): number => Number(/(\d+)/.exec(name)?.[1] ?? 0);

export async function isFolderWith(path: string, pattern: RegExp): Promise<boolean> {
  const info = await stat(path).catch(() => null);
  if (!info?.isDirectory()) return false;
  return (await readdir(path)).some((n) => pattern.test(n));
}
