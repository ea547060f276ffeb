// Settings' suites: every built-in and imported suite, each browsable (its traits with their roles, scorers, items
// and every context's system prompt) and attachable to runs. Attaching adds the suite to each chosen run's probing,
// so checkpoints already probed get only the new traits; a run not yet probed needs a backend chosen here.
import { useState } from "react";
import type { Api, ProbePreview, RunView, SuiteInfo } from "../../shared/api.js";
import { useLive } from "../useApi.js";
import { runSuiteRef, suiteRef } from "../suiteRefs.js";
import { SuiteTraits } from "./SuiteTraits.js";

export function SuitesSettings({ api, suites }: { api: Api; suites: SuiteInfo[] }) {
  const [open, setOpen] = useState<string | null>(null);
  const [attaching, setAttaching] = useState<string | null>(null);
  return (
    <table className="suites" data-testid="suites">
      <thead>
        <tr>
          <th scope="col">Suite</th>
          <th scope="col">Version</th>
          <th scope="col">Traits</th>
          <th scope="col">Where</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {suites.map((s) => {
          const ref = suiteRef(s);
          return (
            <tr key={`${s.id}@${s.version}`} data-suite={ref}>
              <td>
                <strong>{s.id}</strong> <span className="note">{s.name}</span>
                {open === ref ? <SuiteBrowser api={api} suite={ref} /> : null}
                {attaching === ref ? <AttachSuite api={api} suite={ref} suites={suites} onDone={() => setAttaching(null)} /> : null}
              </td>
              <td className="note">{s.version.slice(0, 12)}</td>
              <td>{s.traits.join(", ")}</td>
              <td className="note">{s.where}</td>
              <td>
                <div className="run-actions" role="group" aria-label={`Suite ${s.id}`}>
                  <button aria-expanded={open === ref} onClick={() => setOpen(open === ref ? null : ref)}>
                    Browse
                  </button>
                  <button aria-expanded={attaching === ref} onClick={() => setAttaching(attaching === ref ? null : ref)}>
                    Attach to runs…
                  </button>
                </div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function SuiteBrowser({ api, suite }: { api: Api; suite: string }) {
  const preview = useLive(api, () => api.previewProbing({ suites: [suite], items: true }), () => false, [suite]);
  if (preview.error) return <div className="error">{preview.error}</div>;
  if (!preview.data) return <div className="note">Loading {suite}…</div>;
  const p: ProbePreview = preview.data;
  return (
    <section aria-label={`Suite ${suite}`} className="suite-browser">
      <p className="note">
        {p.traits.length} traits · {p.requests.toLocaleString()} completions{p.judgeRequests ? ` and ${p.judgeRequests.toLocaleString()} judge calls` : ""} per checkpoint
      </p>
      <SuiteTraits traits={p.traits} />
    </section>
  );
}

function AttachSuite({ api, suite, suites, onDone }: { api: Api; suite: string; suites: SuiteInfo[]; onDone: () => void }) {
  const runs = useLive(api, () => api.listRuns({}), () => false, []);
  const backends = useLive(api, () => api.listBackends({}), () => false, []);
  const [chosen, setChosen] = useState<number[]>([]);
  const [backend, setBackend] = useState("");
  const [judge, setJudge] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  const list: RunView[] = runs.data ?? [];
  const names = [...new Set(["demo", ...(backends.data ?? []).map((b) => b.name)])];
  const needsBackend = list.some((r) => chosen.includes(r.id) && !r.probing);
  const attach = async () => {
    const done: string[] = [];
    try {
      for (const r of list.filter((x) => chosen.includes(x.id))) {
        const have = (r.probing?.suites ?? []).map((s) => runSuiteRef(suites, s));
        if (have.includes(suite)) {
          done.push(`${r.name} (already)`);
          continue;
        }
        const p = r.probing;
        await api.setRunProbing({ runId: r.id, suites: [...have, suite], backend: p?.backend ?? backend, judge: p ? p.judge : judge || null, every: p?.every ?? 1, latestOnly: p?.latestOnly ?? false });
        done.push(r.name);
      }
      setMessage(`attached to ${done.join(", ")}; checkpoints already probed get only what ${suite} adds`);
      runs.reload();
    } catch (e) {
      setMessage(`${done.length ? `attached to ${done.join(", ")}; then ` : ""}${(e as Error).message}`);
    }
  };
  return (
    <fieldset className="attach-suite">
      <legend>Attach {suite} to runs</legend>
      {list.map((r) => (
        <label key={r.id} className="check">
          <input type="checkbox" checked={chosen.includes(r.id)} onChange={(e) => setChosen(e.target.checked ? [...chosen, r.id] : chosen.filter((x) => x !== r.id))} /> {r.name}
          <span className="note"> {r.probing ? `probed with ${r.probing.suites.map((s) => s.split("@")[0]).join(", ")}` : "not probed yet"}</span>
        </label>
      ))}
      {needsBackend ? (
        <div className="toolbar">
          <label>
            Backend for runs not probed yet{" "}
            <select value={backend} onChange={(e) => setBackend(e.target.value)}>
              <option value="">(choose)</option>
              {names.map((n) => (
                <option key={n}>{n}</option>
              ))}
            </select>
          </label>
          <label>
            Judge{" "}
            <select value={judge} onChange={(e) => setJudge(e.target.value)}>
              <option value="">(none)</option>
              {names.map((n) => (
                <option key={n}>{n}</option>
              ))}
            </select>
          </label>
        </div>
      ) : null}
      <div className="toolbar">
        <button disabled={chosen.length === 0 || (needsBackend && !backend)} onClick={() => void attach()}>
          Attach
        </button>
        <button onClick={onDone}>Close</button>
      </div>
      {message ? (
        <p className="note" role="status" data-testid="attach-result">
          {message}
        </p>
      ) : null}
    </fieldset>
  );
}
