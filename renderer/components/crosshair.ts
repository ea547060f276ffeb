// One crosshair shared by every panel of the drift view (traits, rollouts and training metrics): the x the pointer
// is at in any panel is drawn in all of them. A tiny store rather than React state in the view, so a mouse move
// re-renders only each panel's crosshair line, not the panels.
export interface Crosshair {
  get(): number | null;
  set(x: number | null): void;
  subscribe(listener: () => void): () => void;
}

export function createCrosshair(): Crosshair {
  let x: number | null = null;
  const listeners = new Set<() => void>();
  return {
    get: () => x,
    set(v) {
      if (v === x) return;
      x = v;
      for (const l of listeners) l();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
