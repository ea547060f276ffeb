// Data from the core that refreshes itself when an event names something it depends on.
import { useEffect, useRef, useState } from "react";
import type { Api } from "../shared/api.js";
import type { CoreEvent } from "../shared/events.js";

/**
 * Loads with `load` and reloads (debounced) whenever `relevant(event)` says an event touches this data.
 * Keeps showing the previous data while reloading, so live updates never blank the view.
 */
export function useLive<T>(api: Api, load: () => Promise<T>, relevant: (e: CoreEvent) => boolean, deps: unknown[]): { data: T | undefined; error: string | null; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;
  const relevantRef = useRef(relevant);
  relevantRef.current = relevant;
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let cancelled = false;
    loadRef
      .current()
      .then((d) => !cancelled && (setData(d), setError(null)))
      .catch((e: Error) => !cancelled && setError(e.message));
    return () => {
      cancelled = true;
    };
    // The caller's deps decide when to reload; `load` itself is read through a ref so it may be a fresh closure.
  }, [...deps, tick]);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = api.onEvent((e) => {
      if (!relevantRef.current(e) || timer) return;
      timer = setTimeout(() => {
        timer = null;
        setTick((t) => t + 1);
      }, 150);
    });
    // Back after a break (serve mode): events may have been missed meanwhile, so fetch afresh.
    let broken = false;
    const offConnection = api.onConnection?.((s) => {
      if (s !== "connected") broken = true;
      else if (broken) {
        broken = false;
        setTick((t) => t + 1);
      }
    });
    return () => {
      off();
      offConnection?.();
      if (timer) clearTimeout(timer);
    };
  }, [api]);
  return { data, error, reload: () => setTick((t) => t + 1) };
}
