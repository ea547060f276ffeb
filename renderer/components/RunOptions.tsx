// A run picker's options: one per run, its id as the value and its name (with its group, where that helps tell runs
// apart) as the text.
import type { RunView } from "../../shared/api.js";

export function RunOptions({ runs, withGroup = false }: { runs: readonly RunView[]; withGroup?: boolean }) {
  return (
    <>
      {runs.map((r) => (
        <option key={r.id} value={r.id}>
          {r.name}
          {withGroup && r.group ? ` (${r.group})` : ""}
        </option>
      ))}
    </>
  );
}
