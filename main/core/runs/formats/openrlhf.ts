// OpenRLHF: DeepSpeed folders global_step<N>/ (metric.json last; also under _actor/) and HF exports global_step<N>_hf/.
import { join } from "node:path";
import { allSafetensorsWhole, findWeights, has, jsonMarker, listDir, matchFolders, topLevel } from "./common.js";
import type { FormatScanner } from "./types.js";

const DEEPSPEED = /^global_step(\d+)$/;
const HF_EXPORT = /^global_step(\d+)_hf$/;
const TOKENIZER_FILES = ["tokenizer_config.json", "tokenizer.json", "tokenizer.model", "vocab.json"];

export const openrlhfScanner: FormatScanner = {
  format: "openrlhf",
  detect: (entries) => entries.some((e) => /^global_step\d+(_hf)?$/.test(e.name) || e.name === "_actor"),
  async list(root, entries, report) {
    const out = [...(await matchFolders(root, entries, HF_EXPORT, report, "full")), ...(await matchFolders(root, entries, DEEPSPEED, report, "other"))];
    if (entries.some((e) => e.name === "_actor" && e.isDirectory())) {
      const actorRoot = join(root, "_actor");
      const actorEntries = await listDir(actorRoot);
      if (actorEntries) out.push(...(await matchFolders(actorRoot, actorEntries, DEEPSPEED, report, "other")));
    }
    return out;
  },
  async verify(c, tree) {
    if (HF_EXPORT.test(c.path.split(/[\\/]/).pop() ?? "")) {
      if (!has(tree, "config.json")) return { ready: false, reason: "config.json not written yet" };
      const cfg = await jsonMarker(c.path, tree, "config.json");
      if (!cfg.ok) return { ready: false, reason: cfg.reason };
      if (!TOKENIZER_FILES.some((t) => has(tree, t))) return { ready: false, reason: "tokenizer files not written yet" };
      const weights = await findWeights(c.path, tree);
      if (!weights.ok) return { ready: false, reason: weights.reason };
      const bad = await allSafetensorsWhole(c.path, tree);
      if (bad) return { ready: false, reason: bad };
      return { ready: true, kind: weights.kind, essentials: topLevel([...weights.names, "config.json"]) };
    }
    if (!has(tree, "metric.json")) return { ready: false, reason: "metric.json not written yet" };
    return { ready: true, kind: "other", essentials: ["metric.json"] };
  },
};
