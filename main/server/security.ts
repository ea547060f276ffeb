// Serve-mode security policy as pure functions: the session token, the Host header (DNS-rebinding guard), the
// Origin header (no cross-origin use), and static paths that cannot leave the renderer folder.
import { randomBytes, timingSafeEqual } from "node:crypto";
import { normalize, resolve, sep } from "node:path";

export const TOKEN_COOKIE = "driftscope_token";

export function newToken(): string {
  return randomBytes(24).toString("base64url");
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from response times. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  if (a.length !== b.length) {
    timingSafeEqual(a, a); // spend the same time either way
    return false;
  }
  return timingSafeEqual(a, b);
}

/** The Host header must name the address the server is bound to: a rebound DNS name never matches. */
export function hostAllowed(host: string | undefined, boundHost: string, port: number): boolean {
  if (!host) return false;
  const allowed = new Set([`${boundHost}:${port}`]);
  if (boundHost === "127.0.0.1" || boundHost === "::1" || boundHost === "localhost") {
    for (const h of ["127.0.0.1", "localhost", "[::1]"]) allowed.add(`${h}:${port}`);
  }
  return allowed.has(host.toLowerCase());
}

/** Requests from another origin are refused; a same-origin request either omits Origin or names our own. */
export function originAllowed(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  if (!host) return false;
  return origin === `http://${host.toLowerCase()}`;
}

export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return null;
}

/** The file a URL path names inside root, or null if it would leave root (../, encoded slashes, NUL). */
export function staticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split("?")[0]!);
  } catch {
    return null;
  }
  if (decoded.includes("\0") || decoded.includes("\\")) return null;
  if (decoded.split("/").includes("..")) return null; // refuse outright, rather than fold it at the root
  const rel = normalize(decoded === "/" ? "/index.html" : decoded).replace(/^([/\\])+/, "");
  const base = resolve(root);
  const full = resolve(base, rel);
  return full === base || full.startsWith(base + sep) ? full : null;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".json": "application/json",
  ".map": "application/json",
};

export function contentType(path: string): string {
  const m = /\.[a-z0-9]+$/i.exec(path);
  return (m && TYPES[m[0].toLowerCase()]) ?? "application/octet-stream";
}

/** The page's Content-Security-Policy: only our own scripts, styles and connections. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");
