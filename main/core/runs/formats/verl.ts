// verl: global_step_<N>/actor/…, with latest_checkpointed_iteration.txt written last in the run folder.
// Rotation empties actor/ but leaves global_step_<N>/ behind, so "gone" means actor/ is missing or empty.
import { readBounded } from "../../util/boundedRead.js";
import { join } from "node:path";
import { allSafetensorsWhole, findWeights, has, listDir, matchFolders } from "./common.js";
import type { FormatScanner } from "./types.js";

const VERL_CHECKPOINT = /^global_step_(\d+)$/;
const LATEST = "latest_checkpointed_iteration.txt";

export const verlScanner: FormatScanner = {
  format: "verl",
  detect: (entries) => entries.some((e) => /^global_step_\d+$/.test(e.name) || e.name === "latest_checkpointed_iteration.txt"),
  async list(root, entries, report) {
    return await matchFolders(root, entries, VERL_CHECKPOINT, report, "other");
  },
  async verify(c, tree, root) {
    if (!tree.dirs.includes("actor") || !tree.files.some((f) => f.rel.startsWith("actor/"))) {
      return { ready: false, reason: "actor/ not written yet" };
    }
    let latestText: string | null = null;
    try {
      latestText = (await readBounded(join(root, LATEST), "marker")).toString("utf8");
    } catch {
      latestText = null; // async_save skips the marker: the quiet period alone decides
    }
    if (latestText !== null) {
      const latest = Number(latestText.trim());
      if (!Number.isInteger(latest)) return { ready: false, reason: `${join(root, LATEST)}: not a step number yet` };
      if (latest < c.step) return { ready: false, reason: `${LATEST} says ${latest}, not yet ${c.step}` };
    }
    const bad = await allSafetensorsWhole(c.path, tree);
    if (bad) return { ready: false, reason: bad };
    let kind: "full" | "lora" | "other" = "other";
    if (has(tree, "actor/lora_adapter/adapter_config.json")) kind = "lora";
    else {
      const hfWeights = await findWeights(c.path, tree, "actor/huggingface/");
      if (hfWeights.ok) kind = hfWeights.kind;
    }
    return { ready: true, kind, essentials: ["actor"] };
  },
  async stillThere(c) {
    const actor = await listDir(join(c.path, "actor"));
    return actor !== null && actor.length > 0;
  },
};
