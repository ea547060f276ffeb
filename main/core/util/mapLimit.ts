// Runs an async function over items with at most `limit` in flight, keeping results in input order. The limit may
// be a function, read again whenever one finishes: how much a backend takes at once is found while the work runs.
// After a failure no more items are started, and the first failure is the result.
export function mapLimit<T, R>(items: readonly T[], limit: number | (() => number), fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const width = typeof limit === "number" ? () => limit : limit;
  const results = new Array<R>(items.length);
  return new Promise<R[]>((resolve, reject) => {
    let next = 0;
    let active = 0;
    let failed = false;
    const fill = (): void => {
      while (!failed && next < items.length && active < Math.max(1, width())) {
        const i = next++;
        active++;
        let started: Promise<R>;
        try {
          started = fn(items[i]!, i);
        } catch (err) {
          // A function that throws before returning its promise fails the same way as one that rejects.
          failed = true;
          reject(err);
          return;
        }
        started.then(
          (r) => {
            results[i] = r;
            active--;
            if (next >= items.length && active === 0) resolve(results);
            else fill();
          },
          (err: unknown) => {
            failed = true;
            reject(err);
          },
        );
      }
    };
    if (items.length === 0) resolve(results);
    else fill();
  });
}
