// A run folder the trainer has not created yet: researchers start `watch` before the training job, so the watcher
// waits for the folder to appear instead of failing. What exists and is not a folder is an error at once.
import { stat } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Resolves true once `path` is a folder, false when the signal aborts first; throws if it exists and is not a
 * folder. `onWaiting` is called once, when the first look finds nothing.
 */
export async function waitForFolder(path: string, options: { intervalMs: number; signal?: AbortSignal; onWaiting?: () => void }): Promise<boolean> {
  let said = false;
  for (;;) {
    const s = await stat(path).catch(() => null);
    if (s?.isDirectory()) return true;
    if (s) throw new Error(`${path}: is not a folder`);
    if (!said) {
      said = true;
      options.onWaiting?.();
    }
    if (options.signal?.aborted) return false;
    try {
      await sleep(options.intervalMs, undefined, { signal: options.signal });
    } catch {
      return false; // aborted while waiting
    }
  }
}
