// Experiments, and the per-item scores their statistics are computed from.
import type { Experiment } from "../../../shared/views.js";
import type { Db } from "./database.js";

interface Row {
  id: number;
  name: string;
  control: string;
  conditions: string;
  reference_run: number | null;
  tags: string;
  created_at: string;
}

const toExperiment = (r: Row): Experiment => ({
  id: r.id,
  name: r.name,
  control: r.control,
  conditions: JSON.parse(r.conditions) as string[],
  referenceRunId: r.reference_run,
  tags: JSON.parse(r.tags) as Record<string, string[]>,
  createdAt: r.created_at,
});

/** A run's mean score per item at one step and context (non-null samples only), as the statistics read them. */
export interface ItemScore {
  runId: number;
  step: number;
  context: string;
  item: string;
  mean: number;
  n: number;
}

export class ExperimentStore {
  constructor(private readonly db: Db) {}

  create(e: Omit<Experiment, "id" | "createdAt">): Experiment {
    if (this.find(e.name)) throw new Error(`an experiment named "${e.name}" already exists`);
    const id = Number(
      this.db
        .prepare(`INSERT INTO experiment (name, control, conditions, reference_run, tags, created_at) VALUES (?, ?, ?, ?, ?, ?)`)
        .run(e.name, e.control, JSON.stringify(e.conditions), e.referenceRunId, JSON.stringify(e.tags), new Date().toISOString()).lastInsertRowid,
    );
    return this.get(id)!;
  }

  get(id: number): Experiment | undefined {
    const r = this.db.prepare(`SELECT * FROM experiment WHERE id = ?`).get(id) as Row | undefined;
    return r && toExperiment(r);
  }

  find(name: string): Experiment | undefined {
    const r = this.db.prepare(`SELECT * FROM experiment WHERE name = ?`).get(name) as Row | undefined;
    return r && toExperiment(r);
  }

  list(): Experiment[] {
    return (this.db.prepare(`SELECT * FROM experiment ORDER BY id`).all() as Row[]).map(toExperiment);
  }

  remove(name: string): boolean {
    return this.db.prepare(`DELETE FROM experiment WHERE name = ?`).run(name).changes > 0;
  }

  /** The steps of each run that have scores for a trait (cheap: the score table, not the samples). */
  scoredSteps(runIds: number[], traitKey: string): Map<number, number[]> {
    const out = new Map<number, number[]>();
    if (runIds.length === 0) return out;
    const rows = this.db
      .prepare(
        `SELECT DISTINCT c.run_id AS runId, c.step FROM score s JOIN checkpoint c ON c.id = s.checkpoint_id JOIN trait t ON t.id = s.trait_id
         WHERE c.run_id IN (${runIds.map(() => "?").join(",")}) AND t.trait_key = ? AND s.n > 0 ORDER BY c.run_id, c.step`,
      )
      .all(...runIds, traitKey) as { runId: number; step: number }[];
    for (const r of rows) out.set(r.runId, [...(out.get(r.runId) ?? []), r.step]);
    return out;
  }

  /**
   * Per-item means of a trait's samples, by run, step and context, for the chosen steps of each run only (the point
   * of comparison), so an experiment over long runs reads only the checkpoints it compares.
   */
  itemScores(steps: Map<number, number[]>, traitKey: string): ItemScore[] {
    const stmt = this.db.prepare(
      `SELECT c.run_id AS runId, c.step, x.context_key AS context, s.item_key AS item, avg(s.score) AS mean, count(s.score) AS n
       FROM checkpoint c JOIN sample s ON s.checkpoint_id = c.id JOIN trait t ON t.id = s.trait_id JOIN context x ON x.id = s.context_id
       WHERE c.run_id = ? AND c.step = ? AND t.trait_key = ? AND s.score IS NOT NULL
       GROUP BY x.context_key, s.item_key`,
    );
    const out: ItemScore[] = [];
    for (const [runId, list] of steps) for (const step of list) out.push(...(stmt.all(runId, step, traitKey) as ItemScore[]));
    return out;
  }
}
