// Settings: create, test and save backends of every kind (forms from the core's descriptions), validate and import
// suites with located errors, theme.
import { useState } from "react";
import type { Api, ApiResults } from "../../shared/api.js";
import { BackendForm } from "./BackendForm.js";
import { useLive } from "../useApi.js";

export function SettingsView({ api, theme, setTheme }: { api: Api; theme: "light" | "dark"; setTheme: (t: "light" | "dark") => void }) {
  const kinds = useLive(api, () => api.listBackendKinds({}), () => false, []);
  const backends = useLive(api, () => api.listBackends({}), () => false, []);
  const [keyFor, setKeyFor] = useState("my-server");
  const [apiKey, setApiKey] = useState("");
  const [keyEnv, setKeyEnv] = useState<string | null>(null);
  const [suiteText, setSuiteText] = useState("");
  const [validation, setValidation] = useState<ApiResults["validateSuite"] | null>(null);
  const suites = useLive(api, () => api.listSuites({}), () => false, []);
  const [importPath, setImportPath] = useState("");
  const [importFormat, setImportFormat] = useState<"suite" | "anthropic-evals" | "persona-vectors" | "em-yaml">("suite");
  const [importResult, setImportResult] = useState<string | null>(null);
  const doImport = async () => {
    try {
      const s = await api.importSuite({ path: importPath.trim(), format: importFormat });
      setImportResult(`imported ${s.id} (version ${s.version}): ${s.traits.join(", ")}`);
      suites.reload();
    } catch (e) {
      setImportResult((e as Error).message);
    }
  };
  return (
    <div className="section">
      <h3>Theme</h3>
      <label>
        <input type="checkbox" aria-label="Dark theme" checked={theme === "dark"} onChange={(e) => setTheme(e.target.checked ? "dark" : "light")} /> dark
      </label>
      <h3>Backends</h3>
      {kinds.data ? <BackendForm api={api} kinds={kinds.data} onSaved={() => backends.reload()} /> : null}
      <ul data-testid="stored-backends">
        {(backends.data ?? []).map((b) => (
          <li key={b.name}>
            <strong>{b.name}</strong> <span className="note">{b.kind}</span>
          </li>
        ))}
      </ul>
      {api.desktop ? (
        <div className="toolbar">
          <label>
            API key for backend <input value={keyFor} onChange={(e) => setKeyFor(e.target.value)} />
          </label>
          <input aria-label="API key" type="password" placeholder="API key (stored encrypted)" value={apiKey} onChange={(e) => setApiKey(e.target.value)} />
          <button disabled={!apiKey} onClick={async () => (setKeyEnv(await api.desktop!.setApiKey(keyFor, apiKey)), setApiKey(""))}>
            Save key
          </button>
          {keyEnv ? <span className="note">stored encrypted; backends use it through apiKeyEnv: {keyEnv}</span> : null}
        </div>
      ) : (
        <p className="note">In the browser, API keys come from environment variables named by a backend's apiKeyEnv.</p>
      )}
      <h3>Suites</h3>
      <ul>
        {(suites.data ?? []).map((s) => (
          <li key={`${s.id}@${s.version}`}>
            <strong>{s.id}</strong> <span className="note">{s.version}</span> · {s.traits.join(", ")} · <span className="note">{s.where}</span>
          </li>
        ))}
      </ul>
      <div className="toolbar">
        <input aria-label="Suite file path" placeholder="/path/to/suite.yaml or a public format file" value={importPath} onChange={(e) => setImportPath(e.target.value)} style={{ flex: 1 }} />
        <select aria-label="Suite format" value={importFormat} onChange={(e) => setImportFormat(e.target.value as typeof importFormat)}>
          <option value="suite">Driftscope suite</option>
          <option value="anthropic-evals">Anthropic evals (JSONL)</option>
          <option value="persona-vectors">persona-vectors trait JSON</option>
          <option value="em-yaml">emergent-misalignment YAML</option>
        </select>
        <button onClick={doImport} disabled={!importPath.trim()}>
          Import
        </button>
      </div>
      {importResult ? <pre className="note" data-testid="import-result">{importResult}</pre> : null}
      <textarea aria-label="Suite to validate" rows={8} style={{ width: "100%" }} placeholder="Paste a suite (YAML or JSON) to validate" value={suiteText} onChange={(e) => setSuiteText(e.target.value)} />
      <button onClick={async () => setValidation(await api.validateSuite({ name: "pasted suite", text: suiteText }))}>Validate</button>
      {validation ? (
        validation.valid ? (
          <p>
            valid: {validation.id} version {validation.version} ({validation.traits.join(", ")})
          </p>
        ) : (
          <ul className="error" data-testid="suite-problems">
            {validation.problems.map((p, i) => (
              <li key={i}>
                line {p.line}, column {p.column}: {p.at ? `${p.at}: ` : ""}
                {p.message}
              </li>
            ))}
          </ul>
        )
      ) : null}
    </div>
  );
}
