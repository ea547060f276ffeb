// The export presets (paper columns, slide, screen) as a labelled select: the chart's Export dialog and the
// experiment view's export bar offer the same list.
import { PRESETS, PRESET_IDS, type PresetId } from "../../shared/chart/exportSpec.js";

export function PresetSelect({ label, value, onChange }: { label: string; value: PresetId; onChange: (p: PresetId) => void }) {
  return (
    <label>
      Preset
      <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value as PresetId)}>
        {PRESET_IDS.map((p) => (
          <option key={p} value={p}>
            {PRESETS[p].label}
          </option>
        ))}
      </select>
    </label>
  );
}
