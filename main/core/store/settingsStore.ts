// Workspace settings: backend configurations by name and the desktop app's sealed API keys.
import type { Db } from "./database.js";

export class SettingsStore {
  constructor(private readonly db: Db) {}

  /** Stores a backend configuration under its name (the API key is never part of it; see apiKeyEnv). */
  saveBackend(config: { name: string; kind: string } & Record<string, unknown>): void {
    const { name, kind, baseUrl, baseUrls, model, maxConcurrency, timeoutMs, apiKeyEnv, ...rest } = config;
    const urls = Array.isArray(baseUrls) ? baseUrls : typeof baseUrl === "string" ? [baseUrl] : [];
    this.db
      .prepare(
        `INSERT INTO backend (name, kind, base_urls, model_template, max_concurrency, timeout_ms, api_key_env, settings) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, base_urls = excluded.base_urls, model_template = excluded.model_template,
           max_concurrency = excluded.max_concurrency, timeout_ms = excluded.timeout_ms, api_key_env = excluded.api_key_env, settings = excluded.settings`,
      )
      .run(name, kind, JSON.stringify(urls), (model as string | undefined) ?? null, (maxConcurrency as number | undefined) ?? 16, (timeoutMs as number | undefined) ?? 120_000, (apiKeyEnv as string | undefined) ?? null, JSON.stringify(rest));
  }

  /** A stored backend configuration, in the shape of a backend file. */
  getBackend(name: string): Record<string, unknown> | undefined {
    const r = this.db.prepare(`SELECT * FROM backend WHERE name = ?`).get(name) as
      | { name: string; kind: string; base_urls: string; model_template: string | null; max_concurrency: number; timeout_ms: number; api_key_env: string | null; settings: string }
      | undefined;
    if (!r) return undefined;
    const urls = JSON.parse(r.base_urls) as string[];
    return {
      name: r.name,
      kind: r.kind,
      ...(urls.length === 1 ? { baseUrl: urls[0] } : urls.length > 1 ? { baseUrls: urls } : {}),
      ...(r.model_template !== null ? { model: r.model_template } : {}),
      maxConcurrency: r.max_concurrency,
      timeoutMs: r.timeout_ms,
      ...(r.api_key_env !== null ? { apiKeyEnv: r.api_key_env } : {}),
      ...(JSON.parse(r.settings) as Record<string, unknown>),
    };
  }

  /** The desktop app's encrypted API key for a backend (safeStorage output; never the key itself). */
  setSealedKey(name: string, sealed: Buffer): void {
    const res = this.db.prepare(`UPDATE backend SET api_key_sealed = ? WHERE name = ?`).run(sealed, name);
    if (res.changes === 0) {
      this.db.prepare(`INSERT INTO backend (name, kind, api_key_sealed) VALUES (?, 'openai', ?)`).run(name, sealed);
    }
  }

  sealedKeys(): { name: string; sealed: Buffer }[] {
    return this.db.prepare(`SELECT name, api_key_sealed AS sealed FROM backend WHERE api_key_sealed IS NOT NULL`).all() as { name: string; sealed: Buffer }[];
  }

  /** Deletes a stored backend (and its sealed key); runs keep the copy of its settings they were set up with. */
  deleteBackend(name: string): boolean {
    return this.db.prepare(`DELETE FROM backend WHERE name = ?`).run(name).changes > 0;
  }

  listBackends(): string[] {
    return (this.db.prepare(`SELECT name FROM backend ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
  }
}
