// The Api over HTTP and WebSocket, for serve mode. The session cookie set when the printed URL was opened
// authenticates every call; nothing here holds the token.
//
// The connection can break: the server restarts (with --token-file the cookie stays valid), the machine sleeps.
// The event socket then reconnects with backoff (shared/reconnect.ts) and says so through onConnection, so the app
// shows a banner and views refetch what they show once it is back. A call answered 401 means the session token is
// no longer the server's: the page says how to get a fresh link.
import type { Api, ApiArgs, ApiMethod, ApiResults, ConnectionState } from "../../shared/api.js";
import { API_METHOD_NAMES } from "../../shared/apiMethods.js";
import type { CoreEvent } from "../../shared/events.js";
import { reconnectDelayMs } from "../../shared/reconnect.js";
import { decodeTyped, TYPED_ENVELOPE_TYPE } from "../../shared/wire/typedEnvelope.js";

export function httpApi(): Api {
  const listeners = new Set<(e: CoreEvent) => void>();
  const connection = new Set<(s: ConnectionState) => void>();
  let state: ConnectionState = "connected";
  const setState = (s: ConnectionState) => {
    if (s === state) return;
    state = s;
    for (const l of connection) l(s);
  };
  let attempt = 0;
  const connect = () => {
    const socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/events`);
    socket.onopen = () => {
      attempt = 0;
      setState("connected");
    };
    socket.onmessage = (m) => {
      const event = JSON.parse(String(m.data)) as CoreEvent;
      for (const l of listeners) l(event);
    };
    socket.onclose = () => {
      if (state !== "unauthorised") setState("disconnected");
      // A refused upgrade (an old token) looks the same as a server that is down: ask a page to tell them apart.
      void fetch("/api/listRuns", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }).then(
        (r) => r.status === 401 && setState("unauthorised"),
        () => undefined,
      );
      setTimeout(connect, reconnectDelayMs(attempt++));
    };
  };
  connect();
  const api = {
    onEvent: (l: (e: CoreEvent) => void) => (listeners.add(l), () => listeners.delete(l)),
    onConnection: (l: (s: ConnectionState) => void) => (connection.add(l), () => connection.delete(l)),
  } as Partial<Api>;
  for (const method of API_METHOD_NAMES) {
    (api as Record<string, unknown>)[method] = async (args: ApiArgs[ApiMethod]) => {
      let res: Response;
      try {
        res = await fetch(`/api/${method}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(args ?? {}) });
      } catch {
        setState("disconnected");
        throw new Error("Driftscope's server cannot be reached; reconnecting");
      }
      if (res.status === 401) {
        setState("unauthorised");
        throw new Error("the session token is no longer valid: open the link `driftscope serve` printed");
      }
      // Typed columns come as bytes, read in place (typedEnvelope.ts).
      if (res.ok && res.headers.get("content-type") === TYPED_ENVELOPE_TYPE) return decodeTyped(await res.arrayBuffer()) as ApiResults[ApiMethod];
      // Whatever else answers, it is read as text first: a proxy's or a restarting server's page is not JSON.
      const text = await res.text();
      let body: { result?: ApiResults[ApiMethod]; error?: string };
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        throw new Error(`the server answered ${res.status} with something other than the app's JSON: ${text.slice(0, 120)}`);
      }
      if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
      return body.result;
    };
  }
  return api as Api;
}
