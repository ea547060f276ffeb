// The probe queue: jobs with progress, rate and ETA, errors in plain words, pause / resume / retry.
import type { Api, RunView } from "../../shared/api.js";
import { useLive } from "../useApi.js";

export function QueueView({ api, runs }: { api: Api; runs: RunView[] }) {
  const jobs = useLive(api, () => api.listJobs({}), (e) => e.type === "job-progress" || e.type === "checkpoint-changed", []);
  const name = (id: number) => runs.find((r) => r.id === id)?.name ?? `run ${id}`;
  return (
    <div className="section">
      <table aria-label="Jobs">
        <thead>
          <tr>
            <th>run</th>
            <th>step</th>
            <th>trait · context</th>
            <th>state</th>
            <th>progress</th>
            <th>rate / ETA</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          {(jobs.data ?? []).map((j) => (
            <tr key={j.jobId} data-job={j.jobId}>
              <td>{name(j.runId)}</td>
              <td>{j.step}</td>
              <td>
                {j.trait} · {j.context}
              </td>
              <td>
                {j.state}
                {j.lastError ? <div className="error">{j.lastError}</div> : null}
              </td>
              <td style={{ minWidth: 120 }}>
                <div className="progress">
                  <div style={{ width: `${j.total ? (100 * j.done) / j.total : 0}%` }} />
                </div>
                {j.done}/{j.total}
              </td>
              <td>{j.rate ? `${j.rate.toFixed(1)}/s · ${Math.round(j.etaSeconds ?? 0)} s left` : "–"}</td>
              <td>
                {j.state === "queued" || j.state === "running" ? <button onClick={() => api.setJobState({ jobId: j.jobId, action: "pause" })}>Pause</button> : null}
                {j.state === "paused" ? <button onClick={() => api.setJobState({ jobId: j.jobId, action: "resume" })}>Resume</button> : null}
                {j.state === "failed" || j.state === "cancelled" ? <button onClick={() => api.setJobState({ jobId: j.jobId, action: "retry" })}>Retry</button> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {(jobs.data ?? []).length === 0 ? <p className="note">No probe jobs yet.</p> : null}
    </div>
  );
}
