// Checks shared by the formats: weights present and every safetensors file whole.
import type { Dirent } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { CheckpointKind } from "../../../../shared/domain.js";
import type { ReadKind } from "../../util/boundedRead.js";
import { readJsonFile } from "../../util/readText.js";
import { errorCode, type FileTree } from "../fileTree.js";
import { checkSafetensors } from "../safetensors.js";
import type { Candidate, Report } from "./types.js";

export type Check = { ok: true; kind: CheckpointKind; names: string[] } | { ok: false; reason: string };

export function has(tree: FileTree, rel: string): boolean {
  return tree.files.some((f) => f.rel === rel);
}

/**
 * Parses a JSON marker the walk listed (`rel` in `tree`); one it did not list is "not written yet". A parse failure is
 * "not yet" with the reason, never a crash. The walk saw the file as a regular one, so it is opened without a second
 * look first (boundedRead's seenRegular).
 */
export async function jsonMarker(dir: string, tree: FileTree, rel: string, kind: ReadKind = "marker"): Promise<{ ok: true; value: unknown } | { ok: false; reason: string }> {
  if (!has(tree, rel)) return { ok: false, reason: `${rel} not written yet` };
  try {
    return { ok: true, value: await readJsonFile(join(dir, rel), kind, { seenRegular: true }) };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

/** Every *.safetensors file under the folder has a parsable header and exactly the size it describes. */
export async function allSafetensorsWhole(dir: string, tree: FileTree): Promise<string | null> {
  for (const f of tree.files) {
    if (!f.rel.endsWith(".safetensors")) continue;
    try {
      const v = await checkSafetensors(join(dir, f.rel), { seenRegular: true });
      if (!v.ok) return v.reason;
    } catch (err) {
      return `${join(dir, f.rel)}: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  return null;
}

/**
 * Finds the weights in a folder (prefix "" for the folder itself, or e.g. "actor/huggingface/"):
 * a LoRA adapter pair, a sharded model with its index, a single model file, or legacy .bin weights (never loaded, only seen).
 */
export async function findWeights(dir: string, tree: FileTree, prefix = ""): Promise<Check> {
  const p = (n: string) => prefix + n;
  if (has(tree, p("adapter_model.safetensors")) || has(tree, p("adapter_model.bin"))) {
    if (!has(tree, p("adapter_config.json"))) return { ok: false, reason: "adapter_config.json not written yet" };
    const cfg = await jsonMarker(dir, tree, p("adapter_config.json"));
    if (!cfg.ok) return { ok: false, reason: cfg.reason };
    const weights = has(tree, p("adapter_model.safetensors")) ? "adapter_model.safetensors" : "adapter_model.bin";
    return { ok: true, kind: "lora", names: [p(weights), p("adapter_config.json")] };
  }
  if (has(tree, p("model.safetensors.index.json"))) {
    const idx = await jsonMarker(dir, tree, p("model.safetensors.index.json"));
    if (!idx.ok) return { ok: false, reason: idx.reason };
    const map = (idx.value as { weight_map?: Record<string, string> }).weight_map;
    if (!map || typeof map !== "object") return { ok: false, reason: `${join(dir, p("model.safetensors.index.json"))}: no weight_map` };
    const shards = [...new Set(Object.values(map))];
    const missing = shards.filter((s) => !has(tree, p(s)));
    if (missing.length > 0) return { ok: false, reason: `shard ${missing[0]} not written yet` };
    return { ok: true, kind: "full", names: [p("model.safetensors.index.json"), ...shards.map(p)] };
  }
  if (has(tree, p("model.safetensors"))) return { ok: true, kind: "full", names: [p("model.safetensors")] };
  if (has(tree, p("pytorch_model.bin"))) return { ok: true, kind: "full", names: [p("pytorch_model.bin")] };
  return { ok: false, reason: "no weights written yet" };
}

/**
 * Lists sub-folders of the root whose names match, reporting files that use a checkpoint's name.
 * A symbolic link to a folder counts (people link checkpoints in); a dangling or looping link is reported.
 */
export async function matchFolders(
  root: string,
  entries: Dirent[],
  re: RegExp,
  report: Report,
  kind: CheckpointKind,
): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for (const e of entries) {
    const m = re.exec(e.name);
    if (!m) continue;
    const path = join(root, e.name);
    let isDir = e.isDirectory();
    if (e.isSymbolicLink()) {
      try {
        isDir = (await stat(path)).isDirectory();
      } catch (err) {
        report(path, `${path}: ${errorCode(err)}; ignored`);
        continue;
      }
    }
    if (!isDir) {
      report(path, `${path}: looks like a checkpoint but is not a folder; ignored`);
      continue;
    }
    const step = Number(m[1]);
    if (!Number.isSafeInteger(step)) {
      report(path, `${path}: step ${m[1]} is too large to be a step number; ignored`);
      continue;
    }
    // Its callers pass the run folder or a folder listed in it as a folder (never a link).
    out.push({ step, path, kind, plain: !e.isSymbolicLink() });
  }
  return out;
}

export async function listDir(path: string): Promise<Dirent[] | null> {
  try {
    return await readdir(path, { withFileTypes: true });
  } catch {
    return null;
  }
}

/** Top-level names that must stay for a complete checkpoint to count as present. */
export function topLevel(names: string[]): string[] {
  return [...new Set(names.map((n) => n.split("/")[0]!))];
}
