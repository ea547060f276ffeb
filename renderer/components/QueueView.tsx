// The probe queue: summary counts by state, a state filter, jobs grouped by run and checkpoint (each group with its
// progress), the running jobs' rate and ETA, errors in plain words, pause / resume / retry.
import { useMemo, useState } from "react";
import type { Api, RunView } from "../../shared/api.js";
import { countStates, formatDuration, groupQueue, JOB_STATES, type JobState } from "../../shared/queueSummary.js";
import { useLive } from "../useApi.js";

const pct = (done: number, total: number) => `${total ? (100 * done) / total : 0}%`;

export function QueueView({ api, runs }: { api: Api; runs: RunView[] }) {
  const jobs = useLive(api, () => api.listJobs({}), (e) => e.type === "job-progress" || e.type === "checkpoint-changed", []);
  const [filter, setFilter] = useState<JobState | "open" | "all">("all");
  const name = (id: number) => runs.find((r) => r.id === id)?.name ?? `run ${id}`;
  const all = jobs.data ?? [];
  const counts = countStates(all);
  const groups = useMemo(() => {
    const only = filter === "all" ? null : filter === "open" ? new Set<JobState>(["running", "queued", "paused", "failed"]) : new Set<JobState>([filter]);
    return groupQueue(all, runs.map((r) => r.id), only);
  }, [all, runs, filter]);
  return (
    <div className="section queue">
      <div className="toolbar" role="group" aria-label="Queue summary">
        <span data-testid="queue-summary">
          {all.length} jobs: {JOB_STATES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`).join(" · ") || "none"}
        </span>
        <label>
          Show
          <select aria-label="Show jobs" value={filter} onChange={(e) => setFilter(e.target.value as typeof filter)}>
            <option value="all">all jobs</option>
            <option value="open">not done (running, queued, paused, failed)</option>
            {JOB_STATES.map((s) => (
              <option key={s} value={s}>
                {s} ({counts[s]})
              </option>
            ))}
          </select>
        </label>
      </div>
      {groups.map((g) => (
        <details key={g.runId} open className="queue-run" data-queue-run={name(g.runId)}>
          <summary>
            <strong>{name(g.runId)}</strong> · {g.checkpoints.length} checkpoints · {g.done}/{g.total} samples
            {g.rate ? ` · ${g.rate.toFixed(1)}/s · ${formatDuration(g.etaSeconds ?? 0)} left` : ""}
            <div className="progress" aria-hidden="true">
              <div style={{ width: pct(g.done, g.total) }} />
            </div>
          </summary>
          <table aria-label={`Jobs of ${name(g.runId)}`}>
            <thead>
              <tr>
                <th>step</th>
                <th>trait · context</th>
                <th>state</th>
                <th>progress</th>
                <th>rate / ETA</th>
                <th></th>
              </tr>
            </thead>
            {g.checkpoints.map((c) => (
              <tbody key={c.step} data-queue-step={c.step}>
                {c.jobs.map((j, i) => (
                  <tr key={j.jobId} data-job={j.jobId} className={j.state === "running" ? "running" : undefined}>
                    <td>{i === 0 ? `${c.step} (${c.done}/${c.total})` : ""}</td>
                    <td>
                      {j.trait} · {j.context}
                    </td>
                    <td>
                      {j.state}
                      {j.lastError ? <div className="error">{j.lastError}</div> : null}
                    </td>
                    <td style={{ minWidth: 120 }}>
                      <div className="progress">
                        <div style={{ width: pct(j.done, j.total) }} />
                      </div>
                      {j.done}/{j.total}
                    </td>
                    <td>{j.rate ? `${j.rate.toFixed(1)}/s · ${formatDuration(j.etaSeconds ?? 0)} left` : "–"}</td>
                    <td>
                      {j.state === "queued" || j.state === "running" ? <button onClick={() => api.setJobState({ jobId: j.jobId, action: "pause" })}>Pause</button> : null}
                      {j.state === "paused" ? <button onClick={() => api.setJobState({ jobId: j.jobId, action: "resume" })}>Resume</button> : null}
                      {j.state === "failed" || j.state === "cancelled" ? <button onClick={() => api.setJobState({ jobId: j.jobId, action: "retry" })}>Retry</button> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            ))}
          </table>
        </details>
      ))}
      {all.length === 0 ? <p className="note">No probe jobs yet.</p> : groups.length === 0 ? <p className="note">No jobs in this state.</p> : null}
    </div>
  );
}
