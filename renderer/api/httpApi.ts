// The Api over HTTP and WebSocket, for serve mode. The session cookie set when the printed URL was opened
// authenticates every call; nothing here holds the token.
import type { Api, ApiArgs, ApiMethod, ApiResults } from "../../shared/api.js";
import { API_METHOD_NAMES } from "../../shared/apiMethods.js";
import type { CoreEvent } from "../../shared/events.js";

export function httpApi(): Api {
  const listeners = new Set<(e: CoreEvent) => void>();
  const connect = () => {
    const socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/events`);
    socket.onmessage = (m) => {
      const event = JSON.parse(String(m.data)) as CoreEvent;
      for (const l of listeners) l(event);
    };
    socket.onclose = () => setTimeout(connect, 1000); // the server restarted or the machine slept: reconnect
  };
  connect();
  const api = { onEvent: (l: (e: CoreEvent) => void) => (listeners.add(l), () => listeners.delete(l)) } as Partial<Api>;
  for (const method of API_METHOD_NAMES) {
    (api as Record<string, unknown>)[method] = async (args: ApiArgs[ApiMethod]) => {
      const res = await fetch(`/api/${method}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(args ?? {}) });
      const body = (await res.json()) as { result?: ApiResults[ApiMethod]; error?: string };
      if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
      return body.result;
    };
  }
  return api as Api;
}
