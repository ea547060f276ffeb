// Line-oriented rollout files read incrementally: from the cursor's byte offset, in chunks, only complete lines (a
// trainer may be half way through writing the last one), each parsed as JSON and handed to the format's row mapper.
// A bad line is reported with its number and skipped; the rest of the file is read. Memory is bounded by the chunk.
import { open } from "node:fs/promises";
import type { ReadContext, ReadOutcome, RolloutCursor, RolloutFile, RolloutRow } from "./types.js";

const CHUNK = 4 * 1024 * 1024;
/** A single line longer than this is refused (said with its number), never buffered without end. */
const MAX_LINE = 16 * 1024 * 1024;

export type LineMapper = (value: unknown, file: RolloutFile) => RolloutRow | string;

export async function readJsonlRollouts(file: RolloutFile, cursor: RolloutCursor, ctx: ReadContext, map: LineMapper): Promise<ReadOutcome> {
  const problems: string[] = [];
  // A file that shrank was rewritten: read it again from the start.
  let offset = file.size < cursor.offset ? 0 : cursor.offset;
  let line = file.size < cursor.offset ? 0 : cursor.line;
  if (offset >= file.size) return { cursor: { ...cursor, size: file.size, mtimeMs: file.mtimeMs, offset, line }, problems };
  const fh = await open(file.path, "r");
  try {
    let carry = Buffer.alloc(0);
    let batch: { index: number; row: RolloutRow }[] = [];
    let pos = offset;
    const flush = (at: RolloutCursor) => {
      ctx.onRows(batch, at);
      batch = [];
    };
    while (pos < file.size) {
      const want = Math.min(CHUNK, file.size - pos);
      const buf = Buffer.alloc(want);
      const { bytesRead } = await fh.read(buf, 0, want, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      const data = carry.length ? Buffer.concat([carry, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead);
      let start = 0;
      for (let nl = data.indexOf(10, start); nl !== -1; nl = data.indexOf(10, start)) {
        const text = data.subarray(start, nl).toString("utf8").trim();
        start = nl + 1;
        line++;
        if (text === "") continue;
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          problems.push(`${file.path}:${line}: not valid JSON; line skipped`);
          continue;
        }
        const row = map(value, file);
        if (typeof row === "string") problems.push(`${file.path}:${line}: ${row}; line skipped`);
        else batch.push({ index: line - 1, row });
      }
      carry = Buffer.from(data.subarray(start));
      if (carry.length > MAX_LINE) {
        problems.push(`${file.path}:${line + 1}: a line longer than ${MAX_LINE} bytes; skipped`);
        const nl = carry.indexOf(10);
        carry = nl === -1 ? Buffer.alloc(0) : Buffer.from(carry.subarray(nl + 1));
        line++;
      }
      // Everything up to the last complete line is consumed; the carried partial line is read again next time.
      offset = pos - carry.length;
      if (batch.length >= ctx.batchSize) flush({ ...cursor, size: file.size, mtimeMs: file.mtimeMs, offset, line });
    }
    const at: RolloutCursor = { ...cursor, size: file.size, mtimeMs: file.mtimeMs, offset, line };
    if (batch.length) flush(at);
    return { cursor: at, problems };
  } finally {
    await fh.close();
  }
}

/** A finite number, or null (JSON has no NaN; a trainer may log null for a missing reward). */
export function numberOrNull(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}
