// The scan benchmark's baseline: a plain recursive stat of a run folder, its checkpoint folders walked as many at
// once as the poller judges checkpoints. Shared by the in-process (warm) and fresh-process (cold) measurements.
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { JUDGE_CONCURRENCY } from "../../main/core/runs/poller.js";
import { mapLimit } from "../../main/core/util/mapLimit.js";

async function plainRecursiveStat(dir: string): Promise<number> {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) n += await plainRecursiveStat(p);
    else {
      await stat(p);
      n++;
    }
  }
  return n;
}

/** The root listed, then its folders stat'ed recursively, JUDGE_CONCURRENCY at a time; returns the files seen. */
export async function parallelRecursiveStat(root: string): Promise<number> {
  const entries = await readdir(root, { withFileTypes: true });
  const counts = await mapLimit(entries, JUDGE_CONCURRENCY, async (e) => {
    const p = join(root, e.name);
    if (e.isDirectory()) return plainRecursiveStat(p);
    await stat(p);
    return 1;
  });
  return counts.reduce((a, b) => a + b, 0);
}
