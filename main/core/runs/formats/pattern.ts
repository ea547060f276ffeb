// A user's own layout: a regular expression with a named `step` group, matched against folder paths
// relative to the run folder (with "/" separators, up to three levels deep).
import { join } from "node:path";
import { allSafetensorsWhole, findWeights, listDir, topLevel } from "./common.js";
import type { Candidate, FormatScanner } from "./types.js";

const MAX_DEPTH = 3;

export function compileStepPattern(source: string): RegExp {
  let re: RegExp;
  try {
    re = new RegExp(source);
  } catch (err) {
    throw new Error(`--format pattern: invalid regular expression "${source}": ${(err as Error).message}`);
  }
  if (!source.includes("(?<step>")) throw new Error(`--format pattern: "${source}" needs a named group (?<step>\\d+)`);
  return re;
}

export function patternScanner(source: string): FormatScanner {
  const re = compileStepPattern(source);
  return {
    format: "pattern",
    async list(root, entries) {
      const out: Candidate[] = [];
      async function visit(dir: string, rel: string, depth: number, list: typeof entries): Promise<void> {
        for (const e of list) {
          if (!e.isDirectory()) continue;
          const childRel = rel ? `${rel}/${e.name}` : e.name;
          const m = re.exec(childRel);
          const step = m?.groups?.step;
          if (m && step !== undefined && /^\d+$/.test(step) && Number.isSafeInteger(Number(step))) {
            out.push({ step: Number(step), path: join(dir, e.name), kind: "other" });
            continue;
          }
          if (depth < MAX_DEPTH) {
            const sub = await listDir(join(dir, e.name));
            if (sub) await visit(join(dir, e.name), childRel, depth + 1, sub);
          }
        }
      }
      await visit(root, "", 1, entries);
      return out;
    },
    async verify(c, tree) {
      if (tree.files.length === 0) return { ready: false, reason: "no files yet" };
      const bad = await allSafetensorsWhole(c.path, tree);
      if (bad) return { ready: false, reason: bad };
      const weights = await findWeights(c.path, tree);
      const names = weights.ok ? weights.names : tree.files.map((f) => f.rel);
      return { ready: true, kind: weights.ok ? weights.kind : "other", essentials: topLevel(names) };
    },
  };
}
