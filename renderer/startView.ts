// The view the page opens with, read before React renders (the start-up prefetch asks what that view will ask).
/** Where the last view is kept, so the app (Electron, or a browser tab opened without a fragment) opens on it. */
export const LAST_VIEW = "driftscope:view";

export const PENDING_VIEW = "driftscope.pendingView";

/** The view to open with: the URL's, unless this tab changed it in the last moments before a reload (the URL then
 * still holds the view it replaced); with no fragment, the last view (the desktop app starts where it was). */
export function startFragment(): string {
  try {
    const pending = JSON.parse(sessionStorage.getItem(PENDING_VIEW) ?? "null") as { fragment: string; replaces: string } | null;
    if (pending && pending.replaces === location.hash && pending.fragment !== location.hash) return pending.fragment;
  } catch {
    // unreadable: the URL decides
  }
  return location.hash || localStorage.getItem(LAST_VIEW) || "";
}
