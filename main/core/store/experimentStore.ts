// Experiments, and the per-item scores their statistics are computed from.
import type { Experiment } from "../../../shared/views.js";
import type Database from "better-sqlite3";
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

/** Which of a run's scored steps a comparison reads (the point of comparison, or every step for curves). */
export type StepSelection = { kind: "final" } | { kind: "step"; step: number } | { kind: "window"; from: number; to: number } | { kind: "every" };

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

  /** The trait's ids across suite versions: the score and sample indexes lead with checkpoint, then trait id. */
  private traitIds(traitKey: string): number[] {
    return (this.db.prepare(`SELECT id FROM trait WHERE trait_key = ?`).all(traitKey) as { id: number }[]).map((r) => r.id);
  }

  /**
   * The steps of each run a point of comparison reads for a trait, among the steps with scores for it: the last, the
   * nearest to a step (the lower on a tie), those in a window, or all. A probed step is found through the checkpoint
   * index and the score table's primary key (checkpoint, trait), so "final" and "step:N" cost a few index probes per
   * run however long the runs are.
   */
  /** `only`, with every step: just these steps (the drift view's bands, at the steps its panels show). */
  comparedSteps(runIds: number[], traitKey: string, at: StepSelection, only?: readonly number[]): Map<number, number[]> {
    const out = new Map<number, number[]>();
    const traitIds = this.traitIds(traitKey);
    if (runIds.length === 0 || traitIds.length === 0) return out;
    const scored = `EXISTS (SELECT 1 FROM score s WHERE s.checkpoint_id = c.id AND s.trait_id IN (${traitIds.map(() => "?").join(",")}) AND s.n > 0)`;
    const one = (where: string, order: "ASC" | "DESC") =>
      this.db.prepare(`SELECT c.step FROM checkpoint c WHERE c.run_id = ? AND ${where} AND ${scored} ORDER BY c.step ${order} LIMIT 1`).pluck();
    const many = (where: string) => this.db.prepare(`SELECT DISTINCT c.step FROM checkpoint c WHERE c.run_id = ? AND ${where} AND ${scored} ORDER BY c.step`).pluck();
    for (const runId of runIds) {
      let steps: number[];
      if (at.kind === "final") steps = [one("1", "DESC").get(runId, ...traitIds) as number | undefined].filter((x) => x !== undefined);
      else if (at.kind === "step") {
        const below = one("c.step <= ?", "DESC").get(runId, at.step, ...traitIds) as number | undefined;
        const above = one("c.step >= ?", "ASC").get(runId, at.step, ...traitIds) as number | undefined;
        const best = below === undefined ? above : above === undefined || at.step - below <= above - at.step ? below : above;
        steps = best === undefined ? [] : [best];
      } else if (at.kind === "window") steps = many("c.step BETWEEN ? AND ?").all(runId, at.from, at.to, ...traitIds) as number[];
      else if (only) steps = many("c.step IN (SELECT value FROM json_each(?))").all(runId, JSON.stringify(only), ...traitIds) as number[];
      else steps = many("1").all(runId, ...traitIds) as number[];
      if (steps.length) out.set(runId, steps);
    }
    return out;
  }

  /**
   * Per-item means of some traits' samples, by trait, run, step and context, for the chosen steps of each run only
   * (the point of comparison), so an experiment over long runs reads only the checkpoints it compares. Each
   * checkpoint is read once for every trait that compares it; (checkpoint, trait, context, item) leads the sample
   * table's unique index, so the grouping follows the index and only the asked traits' rows are read.
   */
  itemScores(requests: { traitKey: string; steps: Map<number, number[]> }[]): Map<string, ItemScore[]> {
    const out = new Map<string, ItemScore[]>(requests.map((r) => [r.traitKey, []]));
    const keyOfTrait = new Map<number, string>();
    const wanted = new Map<string, { runId: number; step: number; traitIds: number[] }>();
    for (const { traitKey, steps } of requests) {
      const ids = this.traitIds(traitKey);
      for (const id of ids) keyOfTrait.set(id, traitKey);
      for (const [runId, list] of steps) {
        for (const step of list) {
          const k = `${runId}:${step}`;
          const w = wanted.get(k) ?? { runId, step, traitIds: [] };
          w.traitIds.push(...ids);
          wanted.set(k, w);
        }
      }
    }
    const contextKey = new Map((this.db.prepare(`SELECT id, context_key AS key FROM context`).all() as { id: number; key: string }[]).map((r) => [r.id, r.key]));
    const checkpoints = this.db.prepare(`SELECT id FROM checkpoint WHERE run_id = ? AND step = ?`).pluck();
    const statements = new Map<number, Database.Statement<unknown[]>>();
    const statement = (n: number) => {
      let st = statements.get(n);
      if (!st) {
        // Sample rows in the unique index's order, averaged per item here as they stream past: an aggregate per
        // item in SQL was a third slower than reading the rows, and the rows arrive grouped already.
        st = this.db.prepare(
          `SELECT s.trait_id, s.context_id, s.item_key, s.score
           FROM sample s WHERE s.checkpoint_id = ? AND s.trait_id IN (${Array.from({ length: n }, () => "?").join(",")}) AND s.score IS NOT NULL
           ORDER BY s.trait_id, s.context_id, s.item_key`,
        );
        statements.set(n, st);
      }
      return st;
    };
    for (const { runId, step, traitIds } of wanted.values()) {
      const ids = [...new Set(traitIds)];
      for (const cp of checkpoints.all(runId, step) as number[]) {
        let key: [number, number, string] | null = null;
        let sum = 0;
        let count = 0;
        const flush = () => {
          if (key) out.get(keyOfTrait.get(key[0])!)!.push({ runId, step, context: contextKey.get(key[1])!, item: key[2], mean: sum / count, n: count });
        };
        for (const [traitId, contextId, item, score] of statement(ids.length).raw().all(cp, ...ids) as [number, number, string, number][]) {
          if (key && key[0] === traitId && key[1] === contextId && key[2] === item) {
            sum += score;
            count++;
            continue;
          }
          flush();
          key = [traitId, contextId, item];
          sum = score;
          count = 1;
        }
        flush();
      }
    }
    return out;
  }
}
