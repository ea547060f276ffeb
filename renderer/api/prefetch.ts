// The page's first questions, asked as soon as its code runs instead of from effects after React's first render.
// The run list: every view waits for it (about 0.2 s earlier on a cold start). Then, once it is known, the traits
// and series the drift view opens with, when it opens on the small multiples: between the run list's answer and
// the view's own first effects React renders the whole app, 0.03-0.25 s on a cold start with a hundred runs.
// Each early answer goes to the first caller asking exactly the same question; every later call asks afresh.
import type { Api, ApiArgs } from "../../shared/api.js";
import { parseViewState } from "../../shared/viewState.js";
import { firstDriftSeriesArgs } from "../driftRequest.js";
import { markPrefetch } from "../userTiming.js";

/** One early answer, handed to the first call with the same arguments (compared by their JSON, keys sorted). */
class Early<A, R> {
  private key: string | null;
  private answer: Promise<R> | null;

  constructor(
    private readonly method: string,
    args: A,
    ask: (args: A) => Promise<R>,
  ) {
    this.key = canonical(args);
    this.answer = ask(args);
    markPrefetch(method, "asked");
    // A failure is reported to whoever takes the answer; until then it is not an unhandled rejection.
    this.answer.catch(() => undefined);
  }

  /** The early answer for these arguments, once; null when they differ or it was taken. */
  take(args: A): Promise<R> | null {
    const hit = this.answer !== null && canonical(args) === this.key ? this.answer : null;
    if (hit) markPrefetch(this.method, "taken");
    this.key = null;
    this.answer = null;
    return hit;
  }
}

function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).filter(([, y]) => y !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x));
}

/** `startFragment` is the view the page opens with; `pixelRatio` the window's device pixel ratio. */
export function withStartPrefetched(api: Api, startFragment: string, pixelRatio: number): Api {
  let traits: Early<ApiArgs["listTraits"], Awaited<ReturnType<Api["listTraits"]>>> | null = null;
  let series: Early<ApiArgs["getDriftSeries"], Awaited<ReturnType<Api["getDriftSeries"]>>> | null = null;
  const view = parseViewState(startFragment);
  const listed = api.listRuns({});
  listed.catch(() => undefined);
  let runsTaken = false;
  // Registered before anyone else can wait on the list, so the early questions are in place before the app, which
  // renders the drift view from this very answer, asks them.
  void listed
    .then((all) => {
      if (view.tab !== "drift") return;
      const ids = all.filter((r) => !r.hidden).map((r) => r.id);
      const args = firstDriftSeriesArgs(view.drift, ids, pixelRatio);
      if (!args) return;
      traits = new Early("listTraits", { runIds: ids }, (a) => api.listTraits(a));
      series = new Early("getDriftSeries", args, (a) => api.getDriftSeries(a));
    })
    .catch(() => undefined);
  return {
    ...api,
    listRuns: (args) => {
      if (!runsTaken && Object.keys(args ?? {}).length === 0) {
        runsTaken = true;
        return listed;
      }
      return api.listRuns(args);
    },
    listTraits: (args) => traits?.take(args) ?? api.listTraits(args),
    getDriftSeries: (args) => series?.take(args) ?? api.getDriftSeries(args),
  };
}
