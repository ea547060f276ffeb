// Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"];

export function colourFor(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}

/** A run's colour: the one the user chose, else the palette's by run id (stable as runs are added). */
export function runColour(run: { id: number; color: string | null }): string {
  return run.color ?? colourFor(run.id - 1);
}
