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

  /** Per-item means of a trait's samples for the given runs, by run, step and context. */
  itemScores(runIds: number[], traitKey: string): ItemScore[] {
    if (runIds.length === 0) return [];
    return this.db
      .prepare(
        `SELECT c.run_id AS runId, c.step, x.context_key AS context, s.item_key AS item, avg(s.score) AS mean, count(s.score) AS n
         FROM sample s JOIN checkpoint c ON c.id = s.checkpoint_id JOIN trait t ON t.id = s.trait_id JOIN context x ON x.id = s.context_id
         WHERE c.run_id IN (${runIds.map(() => "?").join(",")}) AND t.trait_key = ? AND s.score IS NOT NULL
         GROUP BY c.run_id, c.step, x.context_key, s.item_key`,
      )
      .all(...runIds, traitKey) as ItemScore[];
  }
}
