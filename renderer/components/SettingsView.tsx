// Settings: backends of every kind (create, edit, test, delete; forms from the core's descriptions), suites (browse,
// attach to runs, import, validate with located errors), theme.
import { useState } from "react";
import type { Api, ApiResults } from "../../shared/api.js";
import { BackendsSettings } from "./BackendsSettings.js";
import { SuitesSettings } from "./SuitesSettings.js";
import { useLive } from "../useApi.js";

export function SettingsView({ api, theme, setTheme }: { api: Api; theme: "light" | "dark"; setTheme: (t: "light" | "dark") => void }) {
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
      <BackendsSettings api={api} />
      <h3>Suites</h3>
      <SuitesSettings api={api} suites={suites.data ?? []} />
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
