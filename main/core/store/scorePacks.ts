// A score series packed as binary columns, for the drift view. As rows, ten 10,000-checkpoint runs of 20 traits are
// 2 million rows that SQLite formats one value at a time (over a second); packed, they are a few hundred blobs that
// come out as bytes and are read as typed arrays (a fraction of that, and almost nothing for the collector).
//
// A series (one run's scores of one context) is stored in chunks of about CHUNK_POINTS points in step order; a chunk
// never splits the points of one step, so the chunks' step ranges do not overlap. A chunk's bytes: its steps as Int32
// (or Float64 when one is not an integer that fits: step_bytes says which), then mean, lower and upper bound as
// Float32 (NaN for a missing value), each little-endian. Float32 holds seven significant digits, more than a chart
// resolves; exports read the score rows at full precision instead. A series of one chunk (up to CHUNK_POINTS
// checkpoints) is read as views over the blob SQLite hands out, with no copy: on this kind of machine, writing tens of
// megabytes into freshly allocated memory costs more than SQLite's reading of them.
//
// Packs are copies kept by readers and writers, not by SQL: the schema's triggers note per series the lowest step whose
// rows changed (score_pack_stale), and refresh() re-packs each noted series from the chunk holding that step on. An
// appended checkpoint therefore re-packs one chunk. A connection that may not write (a read-only or damaged
// workspace, or one whose integrity check is still running) reads a stale series from its rows instead.
import type { Db } from "./database.js";

/** Points per chunk: large enough that a long series is a few dozen blobs, small enough that re-packing the last
 * chunk after each checkpoint is cheap. */
export const CHUNK_POINTS = 1024;

/** Packs are read as native typed arrays: only where the machine is little-endian, as every platform the app ships
 * on is. Elsewhere every series is read from its rows. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** One series as the store hands it to the drift view: steps ascending, NaN for a missing value. */
export interface StoredColumns {
  steps: Int32Array | Float64Array;
  mean: Float32Array;
  ciLow: Float32Array;
  ciHigh: Float32Array;
}

type Row = [step: number, mean: number | null, ciLow: number | null, ciHigh: number | null];

/** Whether a step can travel as Int32 (packed here, and on the wire by the drift series). */
export const fitsInt32 = (s: number): boolean => Number.isInteger(s) && s >= -2_147_483_648 && s <= 2_147_483_647;

/** The bytes of rows[from, to) as one chunk, and the width of its steps. */
export function packChunk(rows: readonly Row[], from: number, to: number): { stepBytes: 4 | 8; data: Buffer } {
  const n = to - from;
  let stepBytes: 4 | 8 = 4;
  for (let i = from; i < to && stepBytes === 4; i++) if (!fitsInt32(rows[i]![0])) stepBytes = 8;
  const bytes = new ArrayBuffer(n * (stepBytes + 12));
  const steps = stepBytes === 4 ? new Int32Array(bytes, 0, n) : new Float64Array(bytes, 0, n);
  const at = stepBytes * n;
  const mean = new Float32Array(bytes, at, n);
  const lo = new Float32Array(bytes, at + 4 * n, n);
  const hi = new Float32Array(bytes, at + 8 * n, n);
  for (let i = 0; i < n; i++) {
    const r = rows[from + i]!;
    steps[i] = r[0];
    mean[i] = r[1] ?? NaN;
    lo[i] = r[2] ?? NaN;
    hi[i] = r[3] ?? NaN;
  }
  return { stepBytes, data: Buffer.from(bytes) };
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

type Chunk = [runId: number, contextId: number, points: number, stepBytes: number, data: Uint8Array];

/** Whether a chunk's bytes are as long as its stated points and step width make them. */
function wellFormed(c: Chunk): boolean {
  const [, , n, stepBytes, data] = c;
  return (stepBytes === 4 || stepBytes === 8) && data instanceof Uint8Array && data.byteLength === n * (stepBytes + 12);
}

/** One chunk as views over its blob, when the blob sits where typed arrays may view it (else null). */
function viewsOf(c: Chunk): StoredColumns | null {
  const [, , n, stepBytes, data] = c;
  if (data.byteOffset % 8 !== 0) return null;
  const at = data.byteOffset + stepBytes * n;
  return {
    steps: stepBytes === 4 ? new Int32Array(data.buffer, data.byteOffset, n) : new Float64Array(data.buffer, data.byteOffset, n),
    mean: new Float32Array(data.buffer, at, n),
    ciLow: new Float32Array(data.buffer, at + 4 * n, n),
    ciHigh: new Float32Array(data.buffer, at + 8 * n, n),
  };
}

/** Several chunks (of one series, in order) copied into one set of columns. */
function joined(chunks: readonly Chunk[]): StoredColumns {
  const n = chunks.reduce((sum, c) => sum + c[2], 0);
  const wide = chunks.some((c) => c[3] === 8);
  const out: StoredColumns = { steps: wide ? new Float64Array(n) : new Int32Array(n), mean: new Float32Array(n), ciLow: new Float32Array(n), ciHigh: new Float32Array(n) };
  let at = 0;
  for (const [, , points, stepBytes, data] of chunks) {
    if (stepBytes === 8 || !wide) new Uint8Array(out.steps.buffer, at * stepBytes, points * stepBytes).set(data.subarray(0, points * stepBytes));
    else {
      // Int32 steps of this chunk into a series whose other chunks need Float64.
      const steps = new Int32Array(points);
      new Uint8Array(steps.buffer).set(data.subarray(0, points * 4));
      out.steps.set(steps, at);
    }
    const v = stepBytes * points;
    new Uint8Array(out.mean.buffer, at * 4, points * 4).set(data.subarray(v, v + 4 * points));
    new Uint8Array(out.ciLow.buffer, at * 4, points * 4).set(data.subarray(v + 4 * points, v + 8 * points));
    new Uint8Array(out.ciHigh.buffer, at * 4, points * 4).set(data.subarray(v + 8 * points, v + 12 * points));
    at += points;
  }
  return out;
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
        `SELECT run_id, context_id, points, step_bytes, data FROM score_pack WHERE run_id IN (${inList(runIds.length)}) ${contextIds ? `AND context_id IN (${inList(contextIds.length)})` : ""}
         ORDER BY run_id, context_id, chunk`,
      )
      .raw()
      .all(...runIds, ...(contextIds ?? [])) as Chunk[];
    // Chunks come in series order. A damaged chunk (a copy, so nothing is lost) sends its series back to its rows,
    // and is noted to be packed again.
    for (let i = 0; i < chunks.length; ) {
      const [runId, contextId] = chunks[i]!;
      let j = i;
      let sound = true;
      while (j < chunks.length && chunks[j]![0] === runId && chunks[j]![1] === contextId) sound = wellFormed(chunks[j++]!) && sound;
      const k = key(runId, contextId);
      if (!fromRows.has(k)) {
        if (sound) out.set(k, (j === i + 1 && viewsOf(chunks[i]!)) || joined(chunks.slice(i, j)));
        else {
          out.set(k, this.fromRows(runId, contextId));
          this.noteStale(runId, contextId);
        }
      }
      i = j;
    }
    return out;
  }

  /** Notes a series to be packed again from its start (when this connection may write; else the next writer's read
   * finds the damage itself). */
  private noteStale(runId: number, contextId: number): void {
    if (this.db.readonly || this.db.pragma("query_only", { simple: true })) return;
    try {
      this.db.prepare(`INSERT INTO score_pack_stale (run_id, context_id, from_step) VALUES (?, ?, ?) ON CONFLICT (run_id, context_id) DO UPDATE SET from_step = excluded.from_step`).run(runId, contextId, Number.MIN_SAFE_INTEGER);
    } catch (err) {
      if (!cannotWrite(err)) throw err;
    }
  }

  /** A series straight from its score rows. */
  fromRows(runId: number, contextId: number): StoredColumns {
    const rows = this.rows(runId, contextId, null);
    const n = rows.length;
    const cols: StoredColumns = { steps: rows.every((r) => fitsInt32(r[0])) ? new Int32Array(n) : new Float64Array(n), mean: new Float32Array(n), ciLow: new Float32Array(n), ciHigh: new Float32Array(n) };
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
    const insert = this.db.prepare(`INSERT INTO score_pack (run_id, context_id, chunk, first_step, points, step_bytes, data) VALUES (?, ?, ?, ?, ?, ?, ?)`);
    let start = 0;
    chunkEnds(rows).forEach((end, k) => {
      const { stepBytes, data } = packChunk(rows, start, end);
      insert.run(runId, contextId, chunk + k, rows[start]![0], end - start, stepBytes, data);
      start = end;
    });
    this.db.prepare(`DELETE FROM score_pack_stale WHERE run_id = ? AND context_id = ?`).run(runId, contextId);
  }
}
