// Serve mode: the renderer and the same API as Electron IPC, over HTTP on loopback, with events over WebSocket.
// Every request must carry the session token (from the URL printed at start, then a same-site cookie), name our
// own Host (DNS-rebinding guard) and come from our own origin. No CORS headers are ever sent.
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { networkInterfaces } from "node:os";
import { WebSocketServer } from "ws";
import { ApiError, isApiMethod, TYPED_RESULTS } from "../../shared/api.js";
import { encodeTypedParts, TYPED_ENVELOPE_TYPE } from "../../shared/wire/typedEnvelope.js";
import type { Core } from "../core/index.js";
import { contentType, CONTENT_SECURITY_POLICY, staticPath } from "../policy/appContent.js";
import { allowedHostNames, cookieValue, hostAllowed, newToken, originAllowed, TOKEN_COOKIE, tokenMatches } from "./security.js";

export interface ServeOptions {
  core: Core;
  host?: string;
  port?: number;
  rendererDir: string;
  token?: string;
  /** More names the Host header may carry (a machine name, a DNS name pointing here). */
  allowHosts?: string[];
  /** Where a handler's unexpected error is told (once per message); the request is answered 500 either way. */
  onError?: (message: string) => void;
  /** Slow clients are cut off after this (default REQUEST_TIMEOUT_MS; tests shorten it). */
  requestTimeoutMs?: number;
}

/** Slow clients are cut off: headers within this, and the whole request within this (answers may take longer). */
export const REQUEST_TIMEOUT_MS = 10_000;

/** The request's URL, or null when it cannot be parsed (a malformed request line must not throw). */
function requestUrl(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? "/", "http://localhost");
  } catch {
    return null;
  }
}

const machineAddresses = () => Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address.replace(/%.*$/, "")));

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MAX_BODY = 10 * 1024 * 1024;

/** Headers every answer carries. */
const ANSWER_HEADERS = { "x-content-type-options": "nosniff", "referrer-policy": "no-referrer", "cache-control": "no-store" } as const;

function send(res: ServerResponse, status: number, body: string | Buffer, type = "text/plain; charset=utf-8", extra: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": type, ...ANSWER_HEADERS, ...extra });
  res.end(body);
}

/** A 200 answer written piece by piece (corked: the pieces leave in as few writes as the socket takes). */
function sendParts(res: ServerResponse, parts: readonly Uint8Array[], type: string): void {
  const length = parts.reduce((n, p) => n + p.byteLength, 0);
  res.writeHead(200, { "content-type": type, "content-length": String(length), ...ANSWER_HEADERS });
  res.cork();
  for (const p of parts) res.write(p);
  res.end();
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new ApiError("bad-request", "request body too large");
    chunks.push(c as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError("bad-request", "the request body is not JSON");
  }
}

const NO_TOKEN_TEXT = "Driftscope needs its session token: open the URL that `driftscope serve` printed.";
const NO_TOKEN_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Driftscope: open the printed link</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:40em;margin:4em auto;padding:0 1em;color:#222}code{background:#eee;padding:0 .2em}</style></head>
<body><h1>This page needs Driftscope's session link</h1>
<p>Driftscope's server only answers pages opened from the link it printed when it started (it carries a session token).
This page does not have that token, or has one from an earlier start of the server.</p>
<p>Open the link <code>driftscope serve</code> printed in its terminal. To keep the same link across restarts, start it with
<code>driftscope serve --token-file FILE</code>.</p></body></html>
`;

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  const token = options.token ?? newToken();
  let port = options.port ?? 0;

  const allowed = allowedHostNames(host, machineAddresses(), options.allowHosts);
  const reported = new Set<string>();
  const fail = (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    if (!reported.has(message)) options.onError?.(message);
    reported.add(message);
  };
  const authorised = (req: IncomingMessage): boolean => {
    const header = req.headers.authorization?.replace(/^Bearer\s+/i, "");
    return tokenMatches(token, cookieValue(req.headers.cookie, TOKEN_COOKIE)) || tokenMatches(token, header);
  };
  /** Host and Origin first: a foreign page or a rebound name is refused before anything else is looked at. */
  const guard = (req: IncomingMessage): string | null => {
    if (!hostAllowed(req.headers.host, allowed, port)) return "Host header not allowed";
    if (!originAllowed(req.headers.origin, req.headers.host)) return "cross-origin requests are not allowed";
    return null;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const refused = guard(req);
    if (refused) return send(res, 403, refused);
    const url = requestUrl(req);
    if (!url) return send(res, 400, "malformed request URL");
    // The printed URL carries the token once; it becomes a same-site, script-inaccessible cookie.
    if (req.method === "GET" && url.searchParams.has("token")) {
      if (!tokenMatches(token, url.searchParams.get("token"))) return send(res, 401, "wrong session token");
      return send(res, 302, "", "text/plain", { location: "/", "set-cookie": `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/` });
    }
    if (!authorised(req)) {
      // A call gets JSON its client can read; a page gets a page that says what to do, never a bare sentence that
      // the app would try to parse as JSON.
      if (url.pathname.startsWith("/api/")) return send(res, 401, JSON.stringify({ error: NO_TOKEN_TEXT }), "application/json");
      return send(res, 401, NO_TOKEN_PAGE, "text/html; charset=utf-8", { "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'", "x-frame-options": "DENY" });
    }
    try {
      if (req.method === "POST" && url.pathname.startsWith("/api/")) {
        const method = url.pathname.slice("/api/".length);
        if (!isApiMethod(method)) return send(res, 404, JSON.stringify({ error: `unknown call "${method}"` }), "application/json");
        const result = await options.core.call(method, await readBody(req));
        if (TYPED_RESULTS.has(method)) return sendParts(res, encodeTypedParts(result), TYPED_ENVELOPE_TYPE);
        return send(res, 200, JSON.stringify({ result }), "application/json");
      }
      if (req.method === "GET") {
        const file = staticPath(options.rendererDir, url.pathname);
        if (!file) return send(res, 404, "not found");
        const body = await readFile(file).catch(() => null);
        if (!body) return send(res, 404, "not found");
        return send(res, 200, body, contentType(file), { "content-security-policy": CONTENT_SECURITY_POLICY, "x-frame-options": "DENY" });
      }
      return send(res, 405, "method not allowed");
    } catch (err) {
      if (err instanceof ApiError) return send(res, err.code === "not-found" ? 404 : err.code === "bad-request" ? 400 : 500, JSON.stringify({ error: err.message }), "application/json");
      return send(res, 500, JSON.stringify({ error: (err as Error).message }), "application/json");
    }
  };
  // The top-level guard: whatever a handler throws, the server answers 500 and stays up.
  // The timeouts below are enforced on Node's connection sweep; sweep every second rather than every 30.
  const server = createServer({ connectionsCheckingInterval: 1000 }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      fail(err);
      if (!res.headersSent) send(res, 500, "internal error");
      else res.destroy();
    });
  });
  server.headersTimeout = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  server.requestTimeout = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    const line = err.code === "HPE_HEADER_OVERFLOW" ? "431 Request Header Fields Too Large" : err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? "408 Request Timeout" : "400 Bad Request";
    if (socket.writable) socket.end(`HTTP/1.1 ${line}\r\nConnection: close\r\n\r\n`);
    else socket.destroy();
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on("upgrade", (req, socket, head) => {
    socket.on("error", () => socket.destroy());
    const url = requestUrl(req);
    if (!url || guard(req) || !authorised(req) || url.pathname !== "/events") {
      socket.write("HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n");
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const off = options.core.onEvent((event) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(event));
      });
      ws.on("close", off);
      ws.on("error", off);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  port = (server.address() as AddressInfo).port;
  // A wildcard bind is reached at this machine's own loopback address in the printed URL.
  const shown = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  const shownHost = shown.includes(":") ? `[${shown}]` : shown;
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
