// A score series packed as binary columns, for the drift view. As rows, ten 10,000-checkpoint runs of 20 traits are
// 2 million rows that SQLite formats one value at a time (over a second); packed, they are a few hundred blobs that
// come out as bytes and are copied into typed arrays (a fraction of that, and almost nothing for the collector).
//
// A series (one run's scores of one context) is stored in chunks of about CHUNK_POINTS points in step order; a chunk
// never splits the points of one step, so the chunks' step ranges do not overlap. A chunk's bytes: its steps as
// Float64, then mean, lower and upper bound as Float32 (NaN for a missing value), each little-endian. Float32 holds
// seven significant digits, more than a chart resolves; exports read the score rows at full precision instead.
//
// Packs are copies kept by readers and writers, not by SQL: the schema's triggers note per series the lowest step whose
// rows changed (score_pack_stale), and refresh() re-packs each noted series from the chunk holding that step on. An
// appended checkpoint therefore re-packs one chunk. A connection that may not write (a read-only or damaged
// workspace, or one whose integrity check is still running) reads a stale series from its rows instead.
import type { Db } from "./database.js";

/** Points per chunk: large enough that a long series is a few dozen blobs, small enough that re-packing the last
 * chunk after each checkpoint is cheap. */
export const CHUNK_POINTS = 1024;

const BYTES_PER_POINT = 8 + 3 * 4;

/** Packs are read as native typed arrays: only where the machine is little-endian, as every platform the app ships
 * on is. Elsewhere every series is read from its rows. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** One series as the store hands it to the drift view: steps ascending, NaN for a missing value. */
export interface StoredColumns {
  steps: Float64Array;
  mean: Float32Array;
  ciLow: Float32Array;
  ciHigh: Float32Array;
}

type Row = [step: number, mean: number | null, ciLow: number | null, ciHigh: number | null];

/** The bytes of rows[from, to) as one chunk. */
export function packChunk(rows: readonly Row[], from: number, to: number): Buffer {
  const n = to - from;
  const bytes = new ArrayBuffer(n * BYTES_PER_POINT);
  const steps = new Float64Array(bytes, 0, n);
  const mean = new Float32Array(bytes, 8 * n, n);
  const lo = new Float32Array(bytes, 12 * n, n);
  const hi = new Float32Array(bytes, 16 * n, n);
  for (let i = 0; i < n; i++) {
    const r = rows[from + i]!;
    steps[i] = r[0];
    mean[i] = r[1] ?? NaN;
    lo[i] = r[2] ?? NaN;
    hi[i] = r[3] ?? NaN;
  }
  return Buffer.from(bytes);
}

/** Where rows (in step order) are cut into chunks: after about CHUNK_POINTS points, never between two rows of one step. */
export function chunkEnds(rows: readonly Row[], size = CHUNK_POINTS): number[] {
  const ends: number[] = [];
  let start = 0;
  while (start < rows.length) {
    let end = Math.min(rows.length, start + size);
    while (end < rows.length && rows[end]![0] === rows[end - 1]![0]) end++;
    ends.push(end);
    start = end;
  }
  return ends;
}

function columnsOf(n: number): StoredColumns {
  return { steps: new Float64Array(n), mean: new Float32Array(n), ciLow: new Float32Array(n), ciHigh: new Float32Array(n) };
}

/** Copies a chunk's points into the columns at `at`: byte copies, so a blob at any offset in its buffer will do. */
function unpackInto(out: StoredColumns, at: number, data: Uint8Array, n: number): void {
  new Uint8Array(out.steps.buffer, at * 8, n * 8).set(data.subarray(0, 8 * n));
  new Uint8Array(out.mean.buffer, at * 4, n * 4).set(data.subarray(8 * n, 12 * n));
  new Uint8Array(out.ciLow.buffer, at * 4, n * 4).set(data.subarray(12 * n, 16 * n));
  new Uint8Array(out.ciHigh.buffer, at * 4, n * 4).set(data.subarray(16 * n, 20 * n));
}

const key = (runId: number, contextId: number) => `${runId}:${contextId}`;

const inList = (n: number) => Array.from({ length: n }, () => "?").join(",");

/** SQLite's answers when this connection may not write now: read-only, or another writer kept the lock too long. */
function cannotWrite(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === "string" && (code.startsWith("SQLITE_READONLY") || code.startsWith("SQLITE_BUSY"));
}

export class ScorePacks {
  constructor(private readonly db: Db) {}

  /** Brings the packs of these runs (of these contexts, or all) up to date. False when this connection may not write
   * now; nothing was changed then. */
  refresh(runIds: readonly number[], contextIds?: readonly number[]): boolean {
    if (runIds.length === 0 || !LITTLE_ENDIAN) return true;
    if (this.db.readonly || this.db.pragma("query_only", { simple: true })) return this.staleOf(runIds, contextIds).length === 0;
    try {
      this.db
        .transaction(() => {
          for (const s of this.staleOf(runIds, contextIds)) this.repack(s.run_id, s.context_id, s.from_step);
        })
        .immediate();
      return true;
    } catch (err) {
      if (cannotWrite(err)) return false;
      throw err;
    }
  }

  /** The series of these runs (and contexts) as columns, keyed "run:context"; a series with no scores is absent. */
  read(runIds: readonly number[], contextIds?: readonly number[]): Map<string, StoredColumns> {
    const out = new Map<string, StoredColumns>();
    if (runIds.length === 0) return out;
    // Series still stale (this connection could not re-pack them) are read from their rows.
    const fromRows = new Set<string>();
    if (!this.refresh(runIds, contextIds) || !LITTLE_ENDIAN) {
      const stale = LITTLE_ENDIAN ? this.staleOf(runIds, contextIds) : this.seriesOf(runIds, contextIds);
      for (const s of stale) {
        fromRows.add(key(s.run_id, s.context_id));
        const cols = this.fromRows(s.run_id, s.context_id);
        if (cols.steps.length > 0) out.set(key(s.run_id, s.context_id), cols);
      }
      if (!LITTLE_ENDIAN) return out;
    }
    const chunks = this.db
      .prepare(
        `SELECT run_id, context_id, points, data FROM score_pack WHERE run_id IN (${inList(runIds.length)}) ${contextIds ? `AND context_id IN (${inList(contextIds.length)})` : ""}
         ORDER BY run_id, context_id, chunk`,
      )
      .raw()
      .all(...runIds, ...(contextIds ?? [])) as [number, number, number, Uint8Array][];
    // Chunks come in series order: each series' columns are sized once, then filled.
    for (let i = 0; i < chunks.length; ) {
      const [runId, contextId] = chunks[i]!;
      let j = i;
      let n = 0;
      while (j < chunks.length && chunks[j]![0] === runId && chunks[j]![1] === contextId) n += chunks[j++]![2];
      const k = key(runId, contextId);
      if (!fromRows.has(k)) {
        const cols = columnsOf(n);
        for (let at = 0; i < j; i++) {
          const [, , points, data] = chunks[i]!;
          if (data.byteLength !== points * BYTES_PER_POINT) throw new Error(`score pack of run ${runId}, context ${contextId} holds ${data.byteLength} bytes for ${points} points`);
          unpackInto(cols, at, data, points);
          at += points;
        }
        out.set(k, cols);
      }
      i = j;
    }
    return out;
  }

  /** A series straight from its score rows. */
  fromRows(runId: number, contextId: number): StoredColumns {
    const rows = this.rows(runId, contextId, null);
    const cols = columnsOf(rows.length);
    rows.forEach((r, i) => {
      cols.steps[i] = r[0];
      cols.mean[i] = r[1] ?? NaN;
      cols.ciLow[i] = r[2] ?? NaN;
      cols.ciHigh[i] = r[3] ?? NaN;
    });
    return cols;
  }

  private staleOf(runIds: readonly number[], contextIds?: readonly number[]): { run_id: number; context_id: number; from_step: number }[] {
    return this.db
      .prepare(`SELECT run_id, context_id, from_step FROM score_pack_stale WHERE run_id IN (${inList(runIds.length)}) ${contextIds ? `AND context_id IN (${inList(contextIds.length)})` : ""}`)
      .all(...runIds, ...(contextIds ?? [])) as { run_id: number; context_id: number; from_step: number }[];
  }

  private seriesOf(runIds: readonly number[], contextIds?: readonly number[]): { run_id: number; context_id: number }[] {
    return this.db
      .prepare(`SELECT DISTINCT run_id, context_id FROM score WHERE run_id IN (${inList(runIds.length)}) ${contextIds ? `AND context_id IN (${inList(contextIds.length)})` : ""}`)
      .all(...runIds, ...(contextIds ?? [])) as { run_id: number; context_id: number }[];
  }

  /** A series' rows in step order, all or from a step on. */
  private rows(runId: number, contextId: number, fromStep: number | null): Row[] {
    return this.db
      .prepare(
        `SELECT step, mean, ci_low, ci_high FROM score INDEXED BY score_series WHERE run_id = ? AND context_id = ? ${fromStep === null ? "" : "AND step >= ?"} ORDER BY step`,
      )
      .raw()
      .all(...[runId, contextId, ...(fromStep === null ? [] : [fromStep])]) as Row[];
  }

  /** Re-packs a series from the chunk holding `fromStep` on (inside refresh's transaction). */
  private repack(runId: number, contextId: number, fromStep: number): void {
    const from = this.db.prepare(`SELECT chunk, first_step FROM score_pack WHERE run_id = ? AND context_id = ? AND first_step <= ? ORDER BY chunk DESC LIMIT 1`).get(runId, contextId, fromStep) as
      | { chunk: number; first_step: number }
      | undefined;
    const chunk = from?.chunk ?? 0;
    this.db.prepare(`DELETE FROM score_pack WHERE run_id = ? AND context_id = ? AND chunk >= ?`).run(runId, contextId, chunk);
    const rows = this.rows(runId, contextId, from ? from.first_step : null);
    const insert = this.db.prepare(`INSERT INTO score_pack (run_id, context_id, chunk, first_step, points, data) VALUES (?, ?, ?, ?, ?, ?)`);
    let start = 0;
    chunkEnds(rows).forEach((end, k) => {
      insert.run(runId, contextId, chunk + k, rows[start]![0], end - start, packChunk(rows, start, end));
      start = end;
    });
    this.db.prepare(`DELETE FROM score_pack_stale WHERE run_id = ? AND context_id = ?`).run(runId, contextId);
  }
}
