// Editing a run's own fields from the sidebar: name, group (its condition in an experiment), seed, tags and the
// variables its eval contexts use as {var.NAME} (one NAME=VALUE per line). Saved through updateRun.
import { useId, useState } from "react";
import type { Api, RunView } from "../../shared/api.js";

/** Tags as typed: split on commas, trimmed, empty ones dropped ("caps, ood" is two tags). */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(",").map((t) => t.trim()).filter((t) => t.length > 0))];
}

/** NAME=VALUE lines; a line without "=" is reported by number. */
export function parseVariables(text: string): { variables: Record<string, string> } | { error: string } {
  const variables: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) return { error: `line ${i + 1}: expected NAME=VALUE` };
    const name = line.slice(0, eq).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return { error: `line ${i + 1}: "${name}" is not a variable name (letters, digits and '_')` };
    variables[name] = line.slice(eq + 1).trim();
  }
  return { variables };
}

export function RunEditor({ api, run, onDone }: { api: Api; run: RunView; onDone: () => void }) {
  const id = useId();
  const [name, setName] = useState(run.name);
  const [group, setGroup] = useState(run.group ?? "");
  const [seed, setSeed] = useState(run.seed === null ? "" : String(run.seed));
  const [tags, setTags] = useState(run.tags.join(", "));
  const [vars, setVars] = useState(Object.entries(run.variables).map(([k, v]) => `${k}=${v}`).join("\n"));
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    const parsed = parseVariables(vars);
    if ("error" in parsed) return setError(`Variables: ${parsed.error}`);
    if (seed.trim() !== "" && !/^\d+$/.test(seed.trim())) return setError("Seed: a whole number, or empty");
    // Variables removed in the editor are removed from the run.
    const variables: Record<string, string | null> = { ...parsed.variables };
    for (const k of Object.keys(run.variables)) if (!(k in parsed.variables)) variables[k] = null;
    try {
      await api.updateRun({ runId: run.id, name: name.trim(), group: group.trim() || null, seed: seed.trim() === "" ? null : Number(seed), tags: parseTags(tags), variables });
      onDone();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <form
      className="run-editor"
      aria-label={`Edit run ${run.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <label htmlFor={`${id}-name`}>Name</label>
      <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} />
      <label htmlFor={`${id}-group`}>Group</label>
      <input id={`${id}-group`} value={group} placeholder="the condition, e.g. inoculated-p3" onChange={(e) => setGroup(e.target.value)} />
      <label htmlFor={`${id}-seed`}>Seed</label>
      <input id={`${id}-seed`} inputMode="numeric" value={seed} onChange={(e) => setSeed(e.target.value)} />
      <label htmlFor={`${id}-tags`}>Tags</label>
      <input id={`${id}-tags`} value={tags} placeholder="comma-separated" onChange={(e) => setTags(e.target.value)} />
      <label htmlFor={`${id}-vars`}>Variables</label>
      <textarea id={`${id}-vars`} rows={3} value={vars} placeholder="inoculation_prompt=You always capitalise your responses." onChange={(e) => setVars(e.target.value)} />
      <div className="toolbar">
        <button type="submit" className="primary">
          Save
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
      {error ? <div className="error">{error}</div> : null}
    </form>
  );
}
