// Every rollout source, one line each: a run folder's own rollouts are found by the sources' auto(), a path named
// with --rollouts by their detect(), in this order.
import type { RolloutSource } from "../types.js";
import { genericJsonlSource } from "./genericJsonl.js";
import { openrlhfTextSource } from "./openrlhfText.js";
import { trlParquetSource } from "./trlParquet.js";
import { verlJsonlSource } from "./verlJsonl.js";

export const ROLLOUT_SOURCES: readonly RolloutSource[] = [
  trlParquetSource,
  verlJsonlSource,
  openrlhfTextSource,
  genericJsonlSource,
];

export function rolloutSource(id: string): RolloutSource {
  const s = ROLLOUT_SOURCES.find((x) => x.id === id);
  if (!s) throw new Error(`no rollout source "${id}" (known: ${ROLLOUT_SOURCES.map((x) => x.id).join(", ")})`);
  return s;
}

/** The source and location of a run's rollouts: the named path's format, else the run folder's own; null if none. */
export async function locateRollouts(runRoot: string, named: string | null): Promise<{ source: RolloutSource; location: string } | null> {
  if (named) {
    for (const s of ROLLOUT_SOURCES) if (await s.detect(named)) return { source: s, location: named };
    return null;
  }
  for (const s of ROLLOUT_SOURCES) {
    const location = await s.auto?.(runRoot);
    if (location) return { source: s, location };
  }
  return null;
}
