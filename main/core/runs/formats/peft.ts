// PEFT adapter folders: adapter_config.json is written last. The run folder itself may be one adapter,
// or hold one adapter per sub-folder (the step is the last number in the folder name).
import { join } from "node:path";
import { allSafetensorsWhole, findWeights, has, listDir, topLevel } from "./common.js";
import type { Candidate, FormatScanner } from "./types.js";

const ADAPTER_FILES = ["adapter_config.json", "adapter_model.safetensors", "adapter_model.bin"];

function stepFromName(name: string): number {
  const m = /(\d+)(?!.*\d)/.exec(name);
  return m ? Number(m[1]) : 0;
}

export const peftScanner: FormatScanner = {
  format: "peft",
  detect: (entries) => entries.some((e) => e.name === "adapter_config.json" || e.name === "adapter_model.safetensors"),
  async list(root, entries) {
    const out: Candidate[] = [];
    if (entries.some((e) => ADAPTER_FILES.includes(e.name))) out.push({ step: stepFromName(root.split(/[\\/]/).pop() ?? ""), path: root, kind: "lora" });
    for (const e of entries) {
      if (!e.isDirectory() || e.name.startsWith(".")) continue;
      const sub = await listDir(join(root, e.name));
      if (sub?.some((s) => ADAPTER_FILES.includes(s.name))) out.push({ step: stepFromName(e.name), path: join(root, e.name), kind: "lora" });
    }
    return out;
  },
  async verify(c, tree) {
    // The root-as-adapter case must not look into its adapter sub-folders.
    const own = { ...tree, files: tree.files.filter((f) => !f.rel.includes("/")) };
    if (!has(own, "adapter_config.json")) return { ready: false, reason: "adapter_config.json not written yet" };
    const weights = await findWeights(c.path, own);
    if (!weights.ok) return { ready: false, reason: weights.reason };
    const bad = await allSafetensorsWhole(c.path, own);
    if (bad) return { ready: false, reason: bad };
    return { ready: true, kind: "lora", essentials: topLevel(weights.names) };
  },
};
