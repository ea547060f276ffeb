// The drift view's request for its series, built in one place: by the view, and by the start-up prefetch, which
// asks the same question before the view has rendered (prefetch.ts). The two must agree to the byte, or the
// prefetch is wasted work on the core's single thread.
import type { ApiArgs } from "../shared/api.js";
import { OPENING_CONTEXT, type DriftState } from "../shared/viewState.js";

/** Panel width of the small multiples, in CSS pixels. */
export const MULTIPLES_WIDTH = 440;

export function driftSeriesArgs(a: { ids: number[]; ctxKey: string; xAxis: DriftState["xAxis"]; columns: number; fetchRange: readonly [number, number] | null; smoothing: number }): ApiArgs["getDriftSeries"] {
  return {
    runIds: a.ids,
    contexts: a.ctxKey === "*" ? undefined : [a.ctxKey],
    times: a.xAxis !== "step",
    columns: a.columns,
    ...(a.fetchRange ? { range: [a.fetchRange[0], a.fetchRange[1]] as [number, number] } : {}),
    ...(a.smoothing > 0 ? { smoothing: a.smoothing } : {}),
  };
}

/**
 * What the drift view asks first for `state`, before the traits are known (its context is then the one the state
 * names, or "none"): only for the small multiples without a zoom, whose width does not depend on the window.
 */
export function firstDriftSeriesArgs(state: DriftState, ids: number[], devicePixelRatio: number): ApiArgs["getDriftSeries"] | null {
  if (state.layout !== "multiples" || state.zoom !== null || ids.length === 0) return null;
  return driftSeriesArgs({ ids, ctxKey: state.context ?? OPENING_CONTEXT, xAxis: state.xAxis, columns: Math.ceil(MULTIPLES_WIDTH * (devicePixelRatio || 1)), fetchRange: null, smoothing: state.smoothing });
}
