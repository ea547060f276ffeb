// Serve-mode security policy as pure functions: the session token, the Host header (DNS-rebinding guard), the
// Origin header (no cross-origin use). What the pages may load and which files are served is in main/policy.
import { randomBytes, timingSafeEqual } from "node:crypto";

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
    if (k !== name) continue;
    // A cookie any page on this host can plant (cookies ignore ports) must never throw: a bad escape is no token.
    try {
      return decodeURIComponent(v.join("="));
    } catch {
      return null;
    }
  }
  return null;
}
