// Colours of runs and groups. Okabe-Ito hues (distinguishable with the common colour-vision deficiencies), one per
// group (a condition: "baseline", "inoculated-p3"…) with its seeds as tints of that hue and the group's mean drawn in
// the hue itself, so an arm reads as one colour at a glance. Runs outside any group get hues of their own.
export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"];

/** Hues for groups and ungrouped runs: the palette without yellow (too faint on white once tinted) and black. */
const HUES = PALETTE.slice(0, 6);

export function colourFor(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}

/** `hex` mixed with white by t (0: the hue, 1: white), as #rrggbb. */
export function tint(hex: string, t: number): string {
  const n = parseInt(hex.slice(1), 16);
  const mix = (c: number) => Math.round(c + (255 - c) * t);
  const [r, g, b] = [mix((n >> 16) & 255), mix((n >> 8) & 255), mix(n & 255)];
  return `#${((1 << 24) | (r << 16) | (g << 8) | b).toString(16).slice(1).toUpperCase()}`;
}

/** Seeds are tinted from MIN_TINT (so none is mistaken for the group's mean, drawn in the hue) to MAX_TINT (lighter
 * would fade into a white panel). */
const MIN_TINT = 0.2;
const MAX_TINT = 0.6;

export interface RunPalette {
  runs: Map<number, string>;
  groups: Map<string, string>;
}

/**
 * Every run's colour and every group's, from the whole list of runs (so a run keeps its colour when others are
 * hidden): groups take hues in name order, then ungrouped runs in id order; within a group the seeds (by seed,
 * then id) go from the hue toward white. A colour the user chose for a run is kept.
 */
export function runPalette(runs: readonly { id: number; color: string | null; group: string | null; seed: number | null }[]): RunPalette {
  const groups = new Map<string, string>();
  const byGroup = new Map<string, (typeof runs)[number][]>();
  for (const r of runs) if (r.group !== null) byGroup.set(r.group, [...(byGroup.get(r.group) ?? []), r]);
  const names = [...byGroup.keys()].sort((a, b) => a.localeCompare(b));
  names.forEach((g, i) => groups.set(g, HUES[i % HUES.length]!));
  const out = new Map<number, string>();
  for (const g of names) {
    const members = byGroup.get(g)!.sort((a, b) => (a.seed ?? Infinity) - (b.seed ?? Infinity) || a.id - b.id);
    members.forEach((r, k) => out.set(r.id, r.color ?? tint(groups.get(g)!, members.length === 1 ? 0 : MIN_TINT + ((MAX_TINT - MIN_TINT) * k) / (members.length - 1))));
  }
  const loose = runs.filter((r) => r.group === null).sort((a, b) => a.id - b.id);
  loose.forEach((r, i) => out.set(r.id, r.color ?? HUES[(names.length + i) % HUES.length]!));
  return { runs: out, groups };
}
