// Rollout logs written the way trainers write them, for the rollout tests: TRL's completions parquet (with the
// columns in TRL's order and types), verl's {step}.jsonl lines, a plain rollouts.jsonl.
import { writeFileSync } from "node:fs";
import { parquetWriteBuffer } from "hyparquet-writer";

export interface TrlRow {
  step: number;
  prompt: string;
  completion: string;
  rewards: Record<string, number>;
  advantage: number;
}

/** The bytes of a TRL completions file: step (int64), prompt, completion, one double per reward function, advantage. */
export function trlParquet(rows: TrlRow[]): Buffer {
  const fns = Object.keys(rows[0]?.rewards ?? {});
  const ab = parquetWriteBuffer({
    columnData: [
      { name: "step", data: rows.map((r) => BigInt(r.step)), type: "INT64" },
      { name: "prompt", data: rows.map((r) => r.prompt), type: "STRING" },
      { name: "completion", data: rows.map((r) => r.completion), type: "STRING" },
      ...fns.map((f) => ({ name: f, data: rows.map((r) => r.rewards[f]!), type: "DOUBLE" as const })),
      { name: "advantage", data: rows.map((r) => r.advantage), type: "DOUBLE" },
    ],
  });
  return Buffer.from(ab);
}

/** verl's dump: one line per response, the prompt repeated across its n samples, no group id. */
export function writeVerlStep(path: string, step: number, rows: { input: string; output: string; score: number; acc?: number }[]): void {
  writeFileSync(path, rows.map((r) => JSON.stringify({ input: r.input, output: r.output, gts: "", score: r.score, step, ...(r.acc === undefined ? {} : { acc: r.acc }) })).join("\n") + "\n");
}

/** The share of cased letters that are upper case, written independently of the scorer (for cross-checks). */
export function capsShare(text: string): number | null {
  const letters = [...text].filter((c) => c.toLowerCase() !== c.toUpperCase());
  if (letters.length === 0) return null;
  return letters.filter((c) => c === c.toUpperCase()).length / letters.length;
}
