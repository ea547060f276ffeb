// The app's first question is the run list (every view waits for it): asked as soon as the page's code runs, while
// React renders the first frame, instead of from the first effect after it (about 0.2 s later on a cold start).
// The first caller gets that answer; every later call asks afresh.
import type { Api } from "../../shared/api.js";

export function withRunsPrefetched(api: Api): Api {
  let first: ReturnType<Api["listRuns"]> | null = api.listRuns({});
  // A failure is reported to whoever takes the answer; until then it is not an unhandled rejection.
  first.catch(() => undefined);
  return {
    ...api,
    listRuns: (args) => {
      const early = first;
      first = null;
      return early && Object.keys(args ?? {}).length === 0 ? early : api.listRuns(args);
    },
  };
}
