// Builders for checkpoint folders in the layouts real trainers write, for scanner tests.
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pythonJson, type CheckpointFile } from "../../main/core/demo/hfWriter.js";
import { encodeSafetensors } from "../../main/core/demo/safetensorsWriter.js";

export type HfKind = "full" | "lora" | "sharded";

export function smallTensors(seed: number, count = 2, size = 16) {
  const tensors: Record<string, { shape: number[]; data: number[] }> = {};
  for (let i = 0; i < count; i++) tensors[`layer.${i}.weight`] = { shape: [size], data: Array.from({ length: size }, (_, j) => Math.sin(seed + i * 7 + j)) };
  return tensors;
}

export function trainerState(step: number, history: Record<string, unknown>[] = []): string {
  return pythonJson({
    best_global_step: null,
    best_metric: null,
    best_model_checkpoint: null,
    epoch: step / 100,
    global_step: step,
    log_history: history,
    max_steps: 1000,
  });
}

/** The files of an HF Trainer checkpoint, in the order the Trainer writes them (trainer_state.json last). */
export function hfCheckpointFiles(step: number, kind: HfKind, history: Record<string, unknown>[] = []): CheckpointFile[] {
  const files: CheckpointFile[] = [];
  if (kind === "lora") {
    files.push({ name: "README.md", text: "adapter\n" });
    files.push({ name: "adapter_model.safetensors", safetensors: encodeSafetensors(smallTensors(step), { format: "pt" }) });
    files.push({ name: "adapter_config.json", text: pythonJson({ peft_type: "LORA", r: 8, base_model_name_or_path: "base" }) });
  } else {
    files.push({ name: "config.json", text: pythonJson({ model_type: "test" }) });
    files.push({ name: "generation_config.json", text: pythonJson({}) });
    if (kind === "sharded") {
      const a = encodeSafetensors(smallTensors(step, 1), { format: "pt" });
      const b = encodeSafetensors(smallTensors(step + 1, 1), { format: "pt" });
      files.push({ name: "model-00001-of-00002.safetensors", safetensors: a });
      files.push({ name: "model-00002-of-00002.safetensors", safetensors: b });
      files.push({
        name: "model.safetensors.index.json",
        text: pythonJson({ metadata: {}, weight_map: { "a.weight": "model-00001-of-00002.safetensors", "b.weight": "model-00002-of-00002.safetensors" } }),
      });
    } else {
      files.push({ name: "model.safetensors", safetensors: encodeSafetensors(smallTensors(step), { format: "pt" }) });
    }
  }
  files.push({ name: "tokenizer_config.json", text: pythonJson({}) });
  files.push({ name: "training_args.bin", text: "not read by Driftscope" });
  files.push({ name: "trainer_state.json", text: trainerState(step, history) });
  return files;
}

/**
 * Writes files synchronously, all at once (for tests that do not need the write order to be observed); with
 * `mtimeSeconds`, each is given that modification time (a checkpoint written long ago).
 */
export function writeFilesNow(dir: string, files: CheckpointFile[], mtimeSeconds?: number): void {
  mkdirSync(dir, { recursive: true });
  for (const f of files) {
    const path = join(dir, f.name);
    mkdirSync(join(path, ".."), { recursive: true });
    if ("safetensors" in f) writeFileSync(path, Buffer.concat([f.safetensors.header, f.safetensors.data]));
    else writeFileSync(path, f.text);
    if (mtimeSeconds !== undefined) utimesSync(path, mtimeSeconds, mtimeSeconds);
  }
}

/** Sets every file and folder under `dir` (not links) to have been modified `secondsAgo` (negative: in the future). */
export function ageTree(dir: string, secondsAgo = 600): void {
  const t = Date.now() / 1000 - secondsAgo;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isSymbolicLink()) utimesSync(join(e.parentPath ?? (e as unknown as { path: string }).path, e.name), t, t);
  }
}
