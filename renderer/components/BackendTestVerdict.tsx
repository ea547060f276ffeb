// A backend test's outcome, shown the same in the new-backend form and beside each stored backend.
import type { BackendTest } from "../../shared/api.js";

/** A test's outcome in plain words, with the server's own error text when it refused or failed. */
export function TestVerdict({ test }: { test: BackendTest }) {
  return (
    <div data-testid="backend-test">
      {test.reachable && test.refused ? (
        <span className="error">reachable, but it refused the test request: {test.refused}</span>
      ) : test.reachable ? (
        <span>
          reachable · models: {test.models.join(", ") || "none listed"} · honours n: {test.honoursN ? "yes" : "no"} · top_logprobs up to {test.maxTopLogprobs}
        </span>
      ) : (
        <span className="error">not reachable: {test.error}</span>
      )}
      {test.notes.map((n) => (
        <div key={n} className="note">
          {n}
        </div>
      ))}
      {test.warnings.map((w) => (
        <div key={w} className="note">
          warning: {w}
        </div>
      ))}
      <div data-testid="backend-verdict">verdict: {test.verdict}</div>
    </div>
  );
}
