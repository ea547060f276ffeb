// Serve-mode security policy as pure functions: the session token, the Host header (DNS-rebinding guard), the
// Origin header (no cross-origin use). What the pages may load and which files are served is in main/policy.
import { randomBytes, timingSafeEqual } from "node:crypto";
import { lstatSync, readFileSync, writeFileSync } from "node:fs";

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

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);
const WILDCARD = new Set(["0.0.0.0", "::", ""]);

/** Whether an address is only reachable from this machine. */
export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || /^127\./.test(host);
}

/**
 * The names a Host header may carry: the bound address; with a loopback bind, every loopback name; with a wildcard
 * bind (0.0.0.0, ::), every address of this machine's interfaces and the loopback names; always the names given
 * with --allow-host. A rebound DNS name is none of these.
 */
export function allowedHostNames(boundHost: string, machineAddresses: string[], allowHosts: string[] = []): string[] {
  const names = new Set<string>([boundHost, ...allowHosts.map((h) => h.toLowerCase())]);
  if (isLoopback(boundHost) || WILDCARD.has(boundHost)) for (const h of LOOPBACK) names.add(h);
  if (WILDCARD.has(boundHost)) for (const a of machineAddresses) names.add(a.toLowerCase());
  names.delete("0.0.0.0");
  names.delete("::");
  return [...names];
}

/** The Host header must name one of the allowed names with the bound port. */
export function hostAllowed(host: string | undefined, allowedNames: string[], port: number): boolean {
  if (!host) return false;
  const allowed = new Set(allowedNames.map((h) => `${h.includes(":") ? `[${h}]` : h}:${port}`));
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

/**
 * `serve --token-file FILE`: one session token kept across restarts, so open pages reconnect by themselves. A file
 * that does not exist is created holding a new token, readable by its owner only (mode 0600); an existing one must
 * be a regular file that only its owner can read or write, holding one token. Errors name the file.
 */
export function tokenFromFile(path: string): { token: string; created: boolean } {
  let st;
  try {
    st = lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw new Error(`${path}: cannot read the token file (${(err as NodeJS.ErrnoException).code})`);
    const token = newToken();
    try {
      writeFileSync(path, `${token}\n`, { mode: 0o600, flag: "wx" });
    } catch (e) {
      throw new Error(`${path}: cannot create the token file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    return { token, created: true };
  }
  if (!st.isFile()) throw new Error(`${path}: the token file is not a regular file`);
  if (process.platform !== "win32" && (st.mode & 0o077) !== 0) throw new Error(`${path}: the token file can be read or written by others (mode ${(st.mode & 0o777).toString(8)}); run chmod 600 on it`);
  const token = readFileSync(path, "utf8").trim();
  if (!/^[A-Za-z0-9_-]{32,256}$/.test(token)) throw new Error(`${path}: the token file must hold one token of at least 32 letters, digits, '-' or '_'`);
  return { token, created: false };
}
