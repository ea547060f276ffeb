// Training metrics: one series per (run, key), the incremental readers' cursors, and what went wrong reading a path.
import type { Statement } from "better-sqlite3";
import type { MetricPoint, RunProblem } from "../../../shared/domain.js";
import type { Publish } from "../events/bus.js";
import type { Db } from "./database.js";

export interface SourceCursor {
  path: string;
  reader: string;
  offset: number;
  size: number;
  mtimeMs: number;
  state: Record<string, unknown>;
}

export interface MetricRow {
  key: string;
  step: number;
  value: number | null;
  wallTime: number | null; // seconds since epoch
}

const now = () => new Date().toISOString();

/** Rows per multi-row metric INSERT (4 parameters each, well under SQLite's limit). */
const METRIC_BATCH = 128;

/**
 * A preferred source's rows replace what is stored for a step (keeping a wall time it lacks); another source's rows
 * only fill steps that have none (and a missing wall time), so the order the sources are read in does not change a
 * series.
 */
function metricInsertSql(rows: number, replace: boolean): string {
  return `INSERT INTO metric (series_id, step, value, wall_time) VALUES ${Array(rows).fill("(?, ?, ?, ?)").join(", ")}
          ON CONFLICT (series_id, step) DO UPDATE SET ${replace ? "value = excluded.value, wall_time = coalesce(excluded.wall_time, metric.wall_time)" : "wall_time = coalesce(metric.wall_time, excluded.wall_time)"}`;
}

/**
 * Which source's value a quantity takes when several write it: trainer_state.json holds the values as the trainer
 * logged them (float64 JSON), a JSON-lines log likewise, TensorBoard stores them as float32.
 */
export const SOURCE_PREFERENCE = ["trainer_state", "jsonl", "tfevents"];

const rank = (source: string) => {
  const i = SOURCE_PREFERENCE.indexOf(source);
  return i < 0 ? SOURCE_PREFERENCE.length : i;
};

/**
 * The quantity a key names, so one quantity is one series whichever file it came from: the Hugging Face Trainer's
 * TensorBoard callback writes log_history's `reward` as `train/reward` and `eval_loss` as `eval/loss`.
 */
export function canonicalMetricKey(key: string, source: string): string {
  if (source !== "tfevents") return key;
  if (key.startsWith("train/") && key.length > 6) return key.slice(6);
  if (key.startsWith("eval/") && key.length > 5) return `eval_${key.slice(5)}`;
  return key;
}

export class MetricStore {
  private readonly stmt: Record<string, Statement>;

  /** publish: where the repository says what it changed (the core's event bus); the store itself keeps no listeners. */
  constructor(
    private readonly db: Db,
    private readonly publish: Publish,
  ) {
    this.stmt = {
      replaceMetric: db.prepare(metricInsertSql(1, true)),
      replaceMetricBatch: db.prepare(metricInsertSql(METRIC_BATCH, true)),
      fillMetric: db.prepare(metricInsertSql(1, false)),
      fillMetricBatch: db.prepare(metricInsertSql(METRIC_BATCH, false)),
      series: db.prepare(`SELECT id, source FROM metric_series WHERE run_id = ? AND key = ?`),
      insertSeries: db.prepare(`INSERT INTO metric_series (run_id, key, source) VALUES (?, ?, ?)`),
      setSources: db.prepare(`UPDATE metric_series SET source = ? WHERE id = ?`),
    };
  }

  // ---- metrics ----

  /** The series of a quantity, with this source added to its sources; and whether this source is its preferred one. */
  private series(runId: number, key: string, source: string): { id: number; preferred: boolean } {
    const row = this.stmt.series!.get(runId, key) as { id: number; source: string } | undefined;
    if (!row) return { id: Number(this.stmt.insertSeries!.run(runId, key, source).lastInsertRowid), preferred: true };
    const sources = row.source.split(",");
    if (!sources.includes(source)) {
      sources.push(source);
      sources.sort((a, b) => rank(a) - rank(b));
      this.stmt.setSources!.run(sources.join(","), row.id);
    }
    return { id: row.id, preferred: rank(source) <= rank(sources[0]!) };
  }

  /**
   * Writes a batch in one transaction; a repeated (key, step) takes the newer value. Rows go in as multi-row
   * INSERTs, since per-statement overhead dominates when a long run's log arrives at once.
   */
  addMetrics(runId: number, rows: MetricRow[], source: string): void {
    if (rows.length === 0) return;
    const keys = new Map<string, { id: number; preferred: boolean }>();
    let fromStep = Infinity;
    let toStep = -Infinity;
    this.db.transaction(() => {
      // Rows of series this source is preferred for replace; the others only fill gaps.
      const replace: (number | null)[] = [];
      const fill: (number | null)[] = [];
      for (const r of rows) {
        const key = canonicalMetricKey(r.key, source);
        let series = keys.get(key);
        if (series === undefined) keys.set(key, (series = this.series(runId, key, source)));
        const args = series.preferred ? replace : fill;
        args.push(series.id, r.step, r.value, r.wallTime);
        if (args.length === METRIC_BATCH * 4) {
          (series.preferred ? this.stmt.replaceMetricBatch! : this.stmt.fillMetricBatch!).run(args);
          args.length = 0;
        }
        if (r.step < fromStep) fromStep = r.step;
        if (r.step > toStep) toStep = r.step;
      }
      for (let i = 0; i < replace.length; i += 4) this.stmt.replaceMetric!.run(replace.slice(i, i + 4));
      for (let i = 0; i < fill.length; i += 4) this.stmt.fillMetric!.run(fill.slice(i, i + 4));
    }).immediate();
    this.publish({ type: "metrics-added", runId, keys: [...keys.keys()].sort(), fromStep, toStep });
  }

  /** A run's metric points by key then step: every key unless one is named, every step unless one is named. */
  listMetrics(runId: number, key?: string, step?: number): MetricPoint[] {
    return [...this.iterateMetrics(runId, key, step)];
  }

  /** listMetrics one row at a time (synchronously: the connection is busy until the iteration ends). */
  *iterateMetrics(runId: number, key?: string, step?: number): Generator<MetricPoint> {
    const sql = `SELECT s.key, m.step, m.value, m.wall_time FROM metric_series s JOIN metric m ON m.series_id = s.id
                 WHERE s.run_id = ?${key === undefined ? "" : " AND s.key = ?"}${step === undefined ? "" : " AND m.step = ?"} ORDER BY s.key, m.step`;
    const args: (string | number)[] = [runId];
    if (key !== undefined) args.push(key);
    if (step !== undefined) args.push(step);
    const rows = this.db.prepare(sql).iterate(...args) as IterableIterator<{
      key: string;
      step: number;
      value: number | null;
      wall_time: number | null;
    }>;
    for (const r of rows) yield { key: r.key, step: r.step, value: r.value, wallTime: r.wall_time === null ? null : new Date(r.wall_time * 1000).toISOString() };
  }

  /** SQLite's data_version: it changes when another connection commits to the workspace (never for this one's own). */
  dataVersion(): number {
    return this.db.pragma("data_version", { simple: true }) as number;
  }

  /**
   * One metric of a run as typed columns in step order (from `fromStep` on, when given): a missing value (or wall
   * time) is NaN. For the drift view, which cuts them per pixel column: a million-step log is 24 MB of columns here,
   * not a million row objects.
   */
  metricColumns(runId: number, key: string, fromStep?: number): { steps: Float64Array; values: Float64Array; wallTimes: Float64Array } {
    const from = fromStep === undefined ? "" : " AND step >= ?";
    const args = (id: number) => (fromStep === undefined ? [id] : [id, fromStep]);
    // In one read transaction, so the count and the rows come from the same snapshot whatever another process
    // writes meanwhile; the rows along the primary key (series, step), as arrays rather than objects.
    return this.db.transaction(() => {
      const series = this.db.prepare(`SELECT id FROM metric_series WHERE run_id = ? AND key = ?`).get(runId, key) as { id: number } | undefined;
      const n = series ? (this.db.prepare(`SELECT count(*) AS n FROM metric WHERE series_id = ?${from}`).get(...args(series.id)) as { n: number }).n : 0;
      const steps = new Float64Array(n);
      const values = new Float64Array(n);
      const wallTimes = new Float64Array(n);
      if (series && n > 0) {
        const rows = this.db.prepare(`SELECT step, value, wall_time FROM metric WHERE series_id = ?${from} ORDER BY step`).raw(true).iterate(...args(series.id)) as IterableIterator<[number, number | null, number | null]>;
        let i = 0;
        for (const [step, value, wallTime] of rows) {
          steps[i] = step;
          values[i] = value ?? NaN;
          wallTimes[i] = wallTime ?? NaN;
          i++;
        }
      }
      return { steps, values, wallTimes };
    })();
  }

  /** Each series with the sources that wrote it, the preferred (whose values it holds where several did) first. */
  metricSources(runId: number): { key: string; sources: string[] }[] {
    return (this.db.prepare(`SELECT key, source FROM metric_series WHERE run_id = ? ORDER BY key`).all(runId) as { key: string; source: string }[]).map((r) => ({ key: r.key, sources: r.source.split(",") }));
  }

  metricKeys(runId: number): string[] {
    return (this.db.prepare(`SELECT key FROM metric_series WHERE run_id = ? ORDER BY key`).all(runId) as { key: string }[]).map((r) => r.key);
  }

  // ---- incremental reader cursors ----

  getCursor(runId: number, path: string): SourceCursor | undefined {
    const row = this.db.prepare(`SELECT * FROM source_cursor WHERE run_id = ? AND path = ?`).get(runId, path) as
      | { path: string; reader: string; offset: number; size: number; mtime_ms: number; state: string }
      | undefined;
    return (
      row && {
        path: row.path,
        reader: row.reader,
        offset: row.offset,
        size: row.size,
        mtimeMs: row.mtime_ms,
        state: JSON.parse(row.state) as Record<string, unknown>,
      }
    );
  }

  /** Stores metrics and the cursor that produced them atomically, so a crash never skips or doubles data. */
  advanceSource(runId: number, cursor: SourceCursor, rows: MetricRow[]): void {
    this.db.transaction(() => {
      this.addMetrics(runId, rows, cursor.reader);
      this.db
        .prepare(
          `INSERT INTO source_cursor (run_id, path, reader, offset, size, mtime_ms, state) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (run_id, path) DO UPDATE SET reader = excluded.reader, offset = excluded.offset, size = excluded.size,
             mtime_ms = excluded.mtime_ms, state = excluded.state`,
        )
        .run(runId, cursor.path, cursor.reader, cursor.offset, cursor.size, cursor.mtimeMs, JSON.stringify(cursor.state));
    }).immediate();
  }

  // ---- problems ----

  /** Records what went wrong reading a path; returns true when the message is new (worth telling the user). */
  recordProblem(runId: number, path: string, message: string): boolean {
    const prev = this.db.prepare(`SELECT message FROM run_problem WHERE run_id = ? AND path = ?`).get(runId, path) as
      | { message: string }
      | undefined;
    const t = now();
    if (prev && prev.message === message) {
      this.db.prepare(`UPDATE run_problem SET last_seen = ? WHERE run_id = ? AND path = ?`).run(t, runId, path);
      return false;
    }
    this.db
      .prepare(
        `INSERT INTO run_problem (run_id, path, message, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (run_id, path) DO UPDATE SET message = excluded.message, first_seen = excluded.first_seen, last_seen = excluded.last_seen`,
      )
      .run(runId, path, message, t, t);
    this.publish({ type: "problem", runId, path, message });
    return true;
  }

  clearProblem(runId: number, path: string): void {
    this.db.prepare(`DELETE FROM run_problem WHERE run_id = ? AND path = ?`).run(runId, path);
  }

  listProblems(runId: number): RunProblem[] {
    return (
      this.db.prepare(`SELECT * FROM run_problem WHERE run_id = ? ORDER BY path`).all(runId) as {
        run_id: number;
        path: string;
        message: string;
        first_seen: string;
        last_seen: string;
      }[]
    ).map((r) => ({ runId: r.run_id, path: r.path, message: r.message, firstSeen: r.first_seen, lastSeen: r.last_seen }));
  }
}
