// Annotations: notes on a run at a step or over a step range, with tags and a colour.
import type { Annotation } from "../../../shared/views.js";
import type { Publish } from "../events/bus.js";
import type { Db } from "./database.js";

const now = () => new Date().toISOString();

interface AnnotationRow {
  id: number;
  run_id: number;
  step: number;
  step_to: number | null;
  text: string;
  tags: string;
  color: string | null;
  created_at: string;
  edited_at: string;
}

const toAnnotation = (r: AnnotationRow): Annotation => ({
  id: r.id,
  runId: r.run_id,
  step: r.step,
  to: r.step_to,
  text: r.text,
  tags: JSON.parse(r.tags) as string[],
  color: r.color,
  createdAt: r.created_at,
  editedAt: r.edited_at,
});

export class AnnotationStore {
  /** publish: where the repository says what it changed (the core's event bus); the store itself keeps no listeners. */
  constructor(
    private readonly db: Db,
    private readonly publish: Publish,
  ) {}

  listAnnotations(runId: number): Annotation[] {
    return (this.db.prepare(`SELECT * FROM annotation WHERE run_id = ? ORDER BY step, id`).all(runId) as AnnotationRow[]).map(toAnnotation);
  }

  getAnnotation(id: number): Annotation | undefined {
    const row = this.db.prepare(`SELECT * FROM annotation WHERE id = ?`).get(id) as AnnotationRow | undefined;
    return row && toAnnotation(row);
  }

  createAnnotation(a: { runId: number; step: number; to?: number | null; text: string; tags?: string[]; color?: string | null }): Annotation {
    if (!this.db.prepare(`SELECT 1 FROM run WHERE id = ?`).get(a.runId)) throw new Error(`no run with id ${a.runId}`);
    const to = a.to ?? null;
    if (to !== null && to < a.step) throw new Error(`an annotation's range must end at or after its start (step ${a.step}, to ${to})`);
    const t = now();
    const id = Number(
      this.db
        .prepare(`INSERT INTO annotation (run_id, step, step_to, text, tags, color, created_at, edited_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(a.runId, a.step, to, a.text, JSON.stringify(a.tags ?? []), a.color ?? null, t, t).lastInsertRowid,
    );
    this.publish({ type: "annotation-changed", runId: a.runId, annotationId: id });
    return this.getAnnotation(id)!;
  }

  updateAnnotation(id: number, patch: { step?: number; to?: number | null; text?: string; tags?: string[]; color?: string | null }): Annotation {
    const prev = this.getAnnotation(id);
    if (!prev) throw new Error(`no annotation with id ${id}`);
    const next = { ...prev, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } as Annotation;
    if (next.to !== null && next.to < next.step) throw new Error(`an annotation's range must end at or after its start`);
    this.db
      .prepare(`UPDATE annotation SET step = ?, step_to = ?, text = ?, tags = ?, color = ?, edited_at = ? WHERE id = ?`)
      .run(next.step, next.to, next.text, JSON.stringify(next.tags), next.color, now(), id);
    this.publish({ type: "annotation-changed", runId: prev.runId, annotationId: id });
    return this.getAnnotation(id)!;
  }

  deleteAnnotation(id: number): boolean {
    const prev = this.getAnnotation(id);
    if (!prev) return false;
    this.db.prepare(`DELETE FROM annotation WHERE id = ?`).run(id);
    this.publish({ type: "annotation-changed", runId: prev.runId, annotationId: id });
    return true;
  }
}
