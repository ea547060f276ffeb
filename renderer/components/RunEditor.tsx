// Editing a run from the sidebar: name, group (its condition in an experiment), seed, tags, the variables its eval
// contexts use as {var.NAME} (one NAME=VALUE per line), how its folder is read (format), and how it is probed:
// suites (with a preview of their traits, contexts and the requests per checkpoint), backend, judge, every k-th
// checkpoint or the latest only, threshold overrides. Saving the probing starts it; checkpoints already probed get
// only what new suites add.
import { useEffect, useId, useRef, useState } from "react";
import type { Api, ProbePreview, RunView, SuiteInfo } from "../../shared/api.js";
import { runSuiteRef, suiteRef } from "../suiteRefs.js";
import { RUN_FORMATS } from "../../shared/domain.js";
import { SuiteTraits } from "./SuiteTraits.js";

/** Tags as typed: split on commas, trimmed, empty ones dropped ("caps, ood" is two tags). */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(",").map((t) => t.trim()).filter((t) => t.length > 0))];
}

/**
 * NAME=VALUE lines (blank ones skipped), each read by `read`; the first line it refuses, or that has no name before
 * "=", is reported by number.
 */
function parseAssignments<T>(text: string, read: (name: string, value: string) => T | { problem: string }, form: string): { values: Record<string, T> } | { error: string } {
  const values: Record<string, T> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) return { error: `line ${i + 1}: expected ${form}` };
    const name = line.slice(0, eq).trim();
    const value = read(name, line.slice(eq + 1).trim());
    if (typeof value === "object" && value !== null && "problem" in value) return { error: `line ${i + 1}: ${value.problem}` };
    values[name] = value as T;
  }
  return { values };
}

/** NAME=VALUE lines; a line without "=" is reported by number. */
export function parseVariables(text: string): { variables: Record<string, string> } | { error: string } {
  const r = parseAssignments(text, (name, value) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? value : { problem: `"${name}" is not a variable name (letters, digits and '_')` }), "NAME=VALUE");
  return "error" in r ? r : { variables: r.values };
}

/** NAME=NUMBER lines (a derived rule's threshold override); a line that is not is reported by number. */
export function parseThresholds(text: string): { thresholds: Record<string, number> } | { error: string } {
  const r = parseAssignments(text, (_name, value) => (value !== "" && Number.isFinite(Number(value)) ? Number(value) : { problem: "expected NAME=NUMBER" }), "NAME=NUMBER");
  return "error" in r ? r : { thresholds: r.values };
}

type RunFormatSetting = "auto" | (typeof RUN_FORMATS)[number];

export function RunEditor({ api, run, onDone }: { api: Api; run: RunView; onDone: () => void }) {
  const id = useId();
  const [name, setName] = useState(run.name);
  const [group, setGroup] = useState(run.group ?? "");
  const [seed, setSeed] = useState(run.seed === null ? "" : String(run.seed));
  const [tags, setTags] = useState(run.tags.join(", "));
  const [vars, setVars] = useState(Object.entries(run.variables).map(([k, v]) => `${k}=${v}`).join("\n"));
  const [error, setError] = useState<string | null>(null);
  const [suiteList, setSuiteList] = useState<SuiteInfo[]>([]);
  const [backends, setBackends] = useState<string[]>([]);
  const [suites, setSuites] = useState<string[]>([]);
  const [backend, setBackend] = useState(run.probing?.backend ?? "");
  const [judge, setJudge] = useState(run.probing?.judge ?? "");
  const [every, setEvery] = useState(String(run.probing?.every ?? 1));
  const [latestOnly, setLatestOnly] = useState(run.probing?.latestOnly ?? false);
  const [preview, setPreview] = useState<ProbePreview | null>(null);
  const [format, setFormat] = useState(run.formatSetting);
  const [thresholds, setThresholds] = useState(Object.entries(run.probing?.thresholds ?? {}).map(([k, v]) => `${k}=${v}`).join("\n"));
  // The probing fields follow the run's stored probing (set elsewhere meanwhile, e.g. a suite attached in Settings)
  // until they are changed here.
  const probingTouched = useRef(false);
  const touch = <T,>(set: (v: T) => void) => (v: T) => ((probingTouched.current = true), set(v));
  const probingKey = JSON.stringify(run.probing);
  useEffect(() => {
    void api.listSuites({}).then((list) => {
      setSuiteList(list);
      if (probingTouched.current) return;
      setSuites((run.probing?.suites ?? []).map((ref) => runSuiteRef(list, ref)));
      setBackend(run.probing?.backend ?? "");
      setJudge(run.probing?.judge ?? "");
      setEvery(String(run.probing?.every ?? 1));
      setLatestOnly(run.probing?.latestOnly ?? false);
      setThresholds(Object.entries(run.probing?.thresholds ?? {}).map(([k, v]) => `${k}=${v}`).join("\n"));
    });
    void api.listBackends({}).then((list) => setBackends(list.map((b) => b.name)));
  }, [api, run.id, probingKey]);
  useEffect(() => {
    if (suites.length === 0) return setPreview(null);
    let live = true;
    api.previewProbing({ suites, runId: run.id }).then((p) => live && setPreview(p), (e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [api, suites.join(",")]);
  // The chosen names are options from the first render: a select whose value arrives before its option shows none.
  const backendNames = [...new Set(["demo", ...backends, ...[backend, judge].filter((b) => b !== "")])];
  const save = async () => {
    const parsed = parseVariables(vars);
    if ("error" in parsed) return setError(`Variables: ${parsed.error}`);
    if (seed.trim() !== "" && !/^\d+$/.test(seed.trim())) return setError("Seed: a whole number, or empty");
    // Variables removed in the editor are removed from the run.
    const variables: Record<string, string | null> = { ...parsed.variables };
    for (const k of Object.keys(run.variables)) if (!(k in parsed.variables)) variables[k] = null;
    const limits = parseThresholds(thresholds);
    if ("error" in limits) return setError(`Thresholds: ${limits.error}`);
    try {
      if (suites.length > 0 && !backend) return setError("Backend: choose the server that answers the probes (add one in Settings), or no suites");
      if (!/^\d+$/.test(every.trim()) || Number(every) < 1) return setError("Every: a whole number from 1");
      await api.updateRun({ runId: run.id, name: name.trim(), group: group.trim() || null, seed: seed.trim() === "" ? null : Number(seed), tags: parseTags(tags), variables, format: format as RunFormatSetting });
      if (suites.length > 0) await api.setRunProbing({ runId: run.id, suites, backend, judge: judge || null, every: Number(every), latestOnly, thresholds: limits.thresholds });
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
      <label htmlFor={`${id}-format`}>Format</label>
      <select id={`${id}-format`} value={format} onChange={(e) => setFormat(e.target.value)}>
        <option value="auto">detect{run.format ? ` (found: ${run.format})` : ""}</option>
        {RUN_FORMATS.map((f) => (
          <option key={f} value={f}>
            {f}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-suites`}>Suites</label>
      <select id={`${id}-suites`} multiple size={Math.min(5, Math.max(2, suiteList.length))} value={suites} onChange={(e) => touch(setSuites)([...e.target.selectedOptions].map((o) => o.value))}>
        {suiteList.map((x) => (
          <option key={`${x.id}@${x.version}`} value={suiteRef(x)}>
            {x.name} ({x.where === "built-in" ? "built-in" : `${x.id}@${x.version.slice(0, 8)}`})
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-backend`}>Backend</label>
      <select id={`${id}-backend`} value={backend} onChange={(e) => touch(setBackend)(e.target.value)}>
        <option value="">— choose —</option>
        {backendNames.map((b) => (
          <option key={b}>{b}</option>
        ))}
      </select>
      <label htmlFor={`${id}-judge`}>Judge</label>
      <select id={`${id}-judge`} value={judge} onChange={(e) => touch(setJudge)(e.target.value)}>
        <option value="">none</option>
        {backendNames.map((b) => (
          <option key={b}>{b}</option>
        ))}
      </select>
      <label htmlFor={`${id}-every`}>Every k-th</label>
      <input id={`${id}-every`} inputMode="numeric" value={every} onChange={(e) => touch(setEvery)(e.target.value)} />
      <label htmlFor={`${id}-latest`}>Latest only</label>
      <input id={`${id}-latest`} type="checkbox" checked={latestOnly} onChange={(e) => touch(setLatestOnly)(e.target.checked)} />
      <label htmlFor={`${id}-thresholds`}>Thresholds</label>
      <textarea id={`${id}-thresholds`} rows={2} value={thresholds} placeholder="rule.threshold=0.5 (one per line; for checkpoints probed from now on)" onChange={(e) => touch(setThresholds)(e.target.value)} />
      {preview ? (
        <details className="probe-preview" data-testid="probe-preview">
          <summary>
            {preview.traits.length} traits · {preview.requests.toLocaleString()} completions{preview.judgeRequests ? ` and ${preview.judgeRequests.toLocaleString()} judge calls` : ""} per checkpoint
            {preview.judgeRequests > 0 && !judge ? <span className="error"> · needs a judge</span> : null}
          </summary>
          <SuiteTraits traits={preview.traits} />
        </details>
      ) : null}
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
