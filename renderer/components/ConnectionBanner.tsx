// Says when the page has lost its server (serve mode) and that it is reconnecting, or that its session token is no
// longer valid and how to get a fresh link; nothing while connected.
import { useEffect, useState } from "react";
import type { Api, ConnectionState } from "../../shared/api.js";

export function ConnectionBanner({ api }: { api: Api }) {
  const [state, setState] = useState<ConnectionState>("connected");
  useEffect(() => api.onConnection?.(setState), [api]);
  if (state === "connected") return null;
  return (
    <div className="connection-banner" role="status" aria-live="polite">
      {state === "disconnected"
        ? "Disconnected from Driftscope's server — reconnecting…"
        : "This page's session token is no longer the server's. Open the link that `driftscope serve` printed (with --token-file the link stays the same across restarts)."}
    </div>
  );
}
