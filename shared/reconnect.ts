// How serve mode's page reconnects after the server went away: exponential backoff with jitter, capped, so a page
// left open while the server is down does not knock every second (and a room of pages does not knock in step).
export const RECONNECT_FIRST_MS = 500;
export const RECONNECT_MAX_MS = 30_000;

/** The wait before reconnection attempt `attempt` (0 for the first after a break). */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const full = Math.min(RECONNECT_MAX_MS, RECONNECT_FIRST_MS * 2 ** Math.min(attempt, 16));
  return Math.round(full * (0.5 + 0.5 * random()));
}
