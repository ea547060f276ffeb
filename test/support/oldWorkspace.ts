// A workspace as an older Driftscope left it: the schema up to `version`, and one run with two scored checkpoints
// (steps 40 and 80, means 0.4 and 0.8, their checkpoint ids the other way round), for migration tests.
import Database from "better-sqlite3";
import { APPLICATION_ID } from "../../main/core/store/database.js";
import { MIGRATIONS } from "../../main/core/store/schema.js";

export function oldScoredWorkspace(path: string, version: number): void {
  const raw = new Database(path);
  for (let v = 0; v < version; v++) raw.exec(MIGRATIONS[v]!);
  raw.pragma(`user_version = ${version}`);
  raw.pragma(`application_id = ${APPLICATION_ID}`);
  raw.exec(`INSERT INTO run (id, name, path, format_setting, status, created_at) VALUES (1, 'old', '/runs/old', 'auto', 'finished', 'x');
    INSERT INTO checkpoint (id, run_id, step, path, kind, state, detected_at) VALUES (7, 1, 40, '/runs/old/checkpoint-40', 'lora', 'done', 'x'), (3, 1, 80, '/runs/old/checkpoint-80', 'lora', 'done', 'x');
    INSERT INTO suite (id, suite_key, version, name, content, imported_at) VALUES (1, 's', 'v', 'S', '{}', 'x');
    INSERT INTO trait (id, suite_id, trait_key, name, polarity, role) VALUES (1, 1, 't', 'T', 'higher_is_trait', 'control');
    INSERT INTO context (id, trait_id, context_key, role) VALUES (1, 1, 'none', 'neutral');
    INSERT INTO score (checkpoint_id, trait_id, context_id, mean, ci_low, ci_high, n, nulls, updated_at) VALUES (3, 1, 1, 0.8, 0.7, 0.9, 3, 0, 'x'), (7, 1, 1, 0.4, 0.3, 0.5, 3, 0, 'x');`);
  raw.close();
}
