// Writes checkpoint folders the way the Hugging Face Trainer does: file by file in its order, trainer_state.json
// last and not atomically, safetensors files optionally sized first and zero-filled (as safetensors 0.8 does),
// and save_total_limit rotation that deletes old checkpoints file by file. Used by the demo run and by the
// tests' simulated trainer.
import { mkdir, open, readdir, rm, rmdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { sortKeysDeep } from "../util/sortKeys.js";
import type { SafetensorsParts } from "./safetensorsWriter.js";

export type CheckpointFile = { name: string; text: string } | { name: string; safetensors: SafetensorsParts };

export interface WriteOptions {
  /** Pause before each file operation (ms); a function draws a pause for the file about to be written. */
  pauseMs?: number | ((file: string) => number);
  /** Size safetensors files first and fill in their bytes later. */
  zeroFillFirst?: boolean;
  /** Write trainer_state.json in two parts with a pause between (it is not written atomically). */
  splitTrainerState?: boolean;
}

const pause = async (p: WriteOptions["pauseMs"], file = "") => {
  const ms = typeof p === "function" ? p(file) : (p ?? 0);
  if (ms > 0) await sleep(ms);
};

async function writeSafetensors(path: string, parts: SafetensorsParts, options: WriteOptions): Promise<void> {
  const fh = await open(path, "w");
  try {
    if (options.zeroFillFirst) {
      await fh.truncate(parts.header.length + parts.data.length);
      await pause(options.pauseMs);
    }
    await fh.write(parts.header, 0, parts.header.length, 0);
    if (options.zeroFillFirst) await pause(options.pauseMs);
    await fh.write(parts.data, 0, parts.data.length, parts.header.length);
  } finally {
    await fh.close();
  }
}

export async function writeCheckpointFolder(dir: string, files: CheckpointFile[], options: WriteOptions = {}): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const f of files) {
    await pause(options.pauseMs, f.name);
    const path = join(dir, f.name);
    await mkdir(join(path, ".."), { recursive: true });
    if ("safetensors" in f) await writeSafetensors(path, f.safetensors, options);
    else if (options.splitTrainerState && f.name === "trainer_state.json") {
      const half = Math.floor(f.text.length / 2);
      await writeFile(path, f.text.slice(0, half));
      await pause(options.pauseMs);
      await writeFile(path, f.text);
    } else await writeFile(path, f.text);
  }
}

/** JSON as Python's json.dump(indent=2, sort_keys=True) lays it out, as the Trainer writes trainer_state.json. */
export function pythonJson(value: unknown): string {
  return JSON.stringify(sortKeysDeep(value), null, 2) + "\n";
}

/** save_total_limit: removes the oldest checkpoint-* folders beyond `keep`, one file at a time. */
export async function rotateCheckpoints(outputDir: string, keep: number, pauseMs: WriteOptions["pauseMs"] = 0): Promise<number[]> {
  const steps = (await readdir(outputDir))
    .map((n) => /^checkpoint-(\d+)$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  const removed = steps.slice(0, Math.max(0, steps.length - keep));
  for (const step of removed) {
    const dir = join(outputDir, `checkpoint-${step}`);
    await removeFileByFile(dir, pauseMs);
  }
  return removed;
}

async function removeFileByFile(dir: string, pauseMs: WriteOptions["pauseMs"]): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    const p = join(dir, name);
    const s = await stat(p).catch(() => null);
    if (s?.isDirectory()) await removeFileByFile(p, pauseMs);
    else await rm(p, { force: true });
    await pause(pauseMs);
  }
  await rmdir(dir).catch(() => undefined);
}
