// The desktop shell's security policy as pure functions (tested in Node; Electron only applies them):
// hardened window options, the app's own origin, navigation and window.open guards, sender checks, permissions.
import { CONTENT_SECURITY_POLICY, staticPath } from "../policy/appContent.js";
import { formatFromFileName, type ExportFormat } from "../../shared/chart/exportSpec.js";

export const APP_SCHEME = "driftscope";
export const APP_HOST = "app";
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_URL = `${APP_ORIGIN}/index.html`;

/** BrowserWindow options: context isolation, sandbox, no Node in the renderer, no webviews, web security on. */
export function windowOptions(preloadPath: string) {
  return {
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    title: "Driftscope",
    show: false,
    backgroundColor: "#fafafa",
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      experimentalFeatures: false,
      enableBlinkFeatures: "",
    },
  } as const;
}

/** Only pages served by the app's own protocol are trusted. */
export function isTrustedUrl(url: string | undefined | null): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === "" && u.password === "";
  } catch {
    return false;
  }
}

/** Navigation away from the app is never allowed (a reload of our own page is). */
export function allowNavigation(url: string): boolean {
  return isTrustedUrl(url);
}

/** window.open: never a new Electron window; https links may open in the user's browser. */
export function windowOpenDecision(url: string): { action: "deny"; openExternally: boolean } {
  let external = false;
  try {
    external = new URL(url).protocol === "https:";
  } catch {
    external = false;
  }
  return { action: "deny", openExternally: external };
}

/** An IPC message is answered only when it comes from the app's own top-level page. */
export function isTrustedSender(frame: { url?: string; parent?: unknown } | null | undefined): boolean {
  if (!frame) return false;
  if (frame.parent) return false; // not from an iframe
  return isTrustedUrl(frame.url);
}

/** Every permission request (camera, notifications from the page, geolocation, …) is refused. */
export function permissionDecision(_permission: string): boolean {
  return false;
}

/** The response for a request to the app protocol: a file inside the renderer folder, or a refusal. */
export function protocolFile(rendererDir: string, requestUrl: string): { file: string; headers: Record<string, string> } | null {
  if (!isTrustedUrl(requestUrl)) return null;
  const file = staticPath(rendererDir, new URL(requestUrl).pathname);
  return file ? { file, headers: { "content-security-policy": CONTENT_SECURITY_POLICY, "x-content-type-options": "nosniff" } } : null;
}

export { CONTENT_SECURITY_POLICY };

const MAX_EXPORT_BYTES = 256 * 1024 * 1024;

/**
 * Checks a "save this export" request from the renderer before the main process shows a save dialog: a bare file
 * name with an export format's extension (it only seeds the dialog; the user picks the real path), base64 bytes
 * of a bounded size, and a manifest that is a JSON object.
 */
export function parseSaveExport(value: unknown): { fileName: string; bytes: Buffer; manifest: string; extension: ExportFormat } {
  if (!value || typeof value !== "object") throw new Error("saveExport needs { fileName, base64, manifest }");
  const { fileName, base64, manifest } = value as Record<string, unknown>;
  if (typeof fileName !== "string" || !/^[^\\/:*?"<>|\0]{1,200}$/.test(fileName) || fileName.startsWith(".")) throw new Error("saveExport: fileName must be a plain file name");
  const extension = formatFromFileName(fileName);
  if (!extension) throw new Error(`saveExport: "${fileName}" does not end in an export format's extension`);
  if (typeof base64 !== "string" || base64.length > (MAX_EXPORT_BYTES / 3) * 4 + 4 || !/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) throw new Error("saveExport: base64 is not base64 data within the size limit");
  if (typeof manifest !== "string" || manifest.length > 10_000_000) throw new Error("saveExport: manifest must be a JSON string");
  let parsed: unknown;
  try {
    parsed = JSON.parse(manifest);
  } catch {
    throw new Error("saveExport: manifest is not valid JSON");
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("saveExport: manifest must be a JSON object");
  return { fileName, bytes: Buffer.from(base64, "base64"), manifest, extension };
}
