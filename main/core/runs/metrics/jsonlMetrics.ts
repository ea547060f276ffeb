// JSON-lines metric logs: verl's file logger ({"step":N,"data":{…}}) and a plain metrics.jsonl ({"step":N, "key": value, …}).
// Read up to the last newline; a partial final line waits for the next poll.
import type { MetricRow } from "../../store/store.js";
import { decodeUtf8 } from "../../util/readText.js";
import { readTail } from "../../util/readTail.js";

const TIME_KEYS = new Set(["wall_time", "walltime", "time", "timestamp", "_timestamp"]);

export interface JsonlResult {
  rows: MetricRow[];
  nextOffset: number;
  nextLine: number;
  problems: string[];
  size: number;
  mtimeMs: number;
}

function flatten(prefix: string, obj: Record<string, unknown>, out: [string, unknown][]): void {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}/${k}` : k;
    if (v !== null && typeof v === "object" && !Array.isArray(v)) flatten(key, v as Record<string, unknown>, out);
    else out.push([key, v]);
  }
}

/** One parsed line to rows; returns an error message for a line that is not a usable record. */
export function lineToRows(line: string): MetricRow[] | string {
  let rec: unknown;
  try {
    rec = JSON.parse(line);
  } catch (err) {
    return `invalid JSON (${(err as Error).message})`;
  }
  if (typeof rec !== "object" || rec === null || Array.isArray(rec)) return "not a JSON object";
  const r = rec as Record<string, unknown>;
  const step = r.step;
  if (typeof step !== "number" || !Number.isInteger(step)) return `no integer "step"`;
  let wallTime: number | null = null;
  const pairs: [string, unknown][] = [];
  if (r.data !== undefined && typeof r.data === "object" && r.data !== null && !Array.isArray(r.data)) {
    // verl: keys such as actor/pg_loss already carry their own slashes; keep them as written.
    for (const [k, v] of Object.entries(r.data as Record<string, unknown>)) pairs.push([k, v]);
  } else {
    const rest: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r)) if (k !== "step") rest[k] = v;
    flatten("", rest, pairs);
  }
  const rows: MetricRow[] = [];
  for (const [k, v] of pairs) {
    if (TIME_KEYS.has(k) && typeof v === "number") {
      wallTime = v > 1e11 ? v / 1000 : v; // accept milliseconds too
      continue;
    }
    if (v === null) rows.push({ key: k, step, value: null, wallTime: null });
    else if (typeof v === "number") rows.push({ key: k, step, value: Number.isFinite(v) ? v : null, wallTime: null });
  }
  for (const row of rows) row.wallTime = wallTime;
  return rows;
}

export async function readJsonlMetrics(path: string, offset: number, firstLine: number): Promise<JsonlResult> {
  const { bytes: buf, size, mtimeMs } = await readTail(path, offset);
  const result: JsonlResult = { rows: [], nextOffset: offset, nextLine: firstLine, problems: [], size, mtimeMs };
  const end = buf.lastIndexOf(0x0a);
  if (end < 0) return result;
  let lineNo = firstLine;
  let start = 0;
  while (start <= end) {
    const nl = buf.indexOf(0x0a, start);
    const bytes = buf.subarray(start, nl);
    start = nl + 1;
    const here = lineNo++;
    let text: string;
    try {
      text = decodeUtf8(path, bytes).trim();
    } catch {
      result.problems.push(`${path}:${here}: not valid UTF-8; line skipped`);
      continue;
    }
    if (text === "") continue;
    const rows = lineToRows(text);
    if (typeof rows === "string") result.problems.push(`${path}:${here}: ${rows}; line skipped`);
    else result.rows.push(...rows);
  }
  result.nextOffset = offset + end + 1;
  result.nextLine = lineNo;
  return result;
}

/** True when a line looks like verl's file logger, so other *.jsonl files (rollouts, datasets) are left alone. */
export function isVerlLine(line: string): boolean {
  try {
    const r = JSON.parse(line) as { step?: unknown; data?: unknown };
    return Number.isInteger(r.step) && typeof r.data === "object" && r.data !== null && !Array.isArray(r.data);
  } catch {
    return false;
  }
}
