// The app's content policy, shared by both doors that serve the renderer (the desktop app's protocol and serve
// mode): the Content-Security-Policy, the file a URL path may name, and its content type. Pure functions.
import { normalize, resolve, sep } from "node:path";

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
