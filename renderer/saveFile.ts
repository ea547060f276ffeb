// Saving an export from the app: the native save dialog in Electron (through the preload's desktop bridge), a
// browser download of the file and its manifest in serve mode.
import type { Api } from "../shared/api.js";
import { manifestFileName } from "../shared/chart/exportSpec.js";

export function utf8ToBase64(text: string): string {
  return bytesToBase64(new TextEncoder().encode(text));
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Saves the file and its manifest; returns where (Electron), "downloaded" (browser), or null when cancelled. */
export async function saveExport(api: Api, file: { fileName: string; mimeType: string; base64: string; manifest: string }): Promise<string | null> {
  if (api.desktop) return api.desktop.saveExport({ fileName: file.fileName, base64: file.base64, manifest: file.manifest });
  download(file.fileName, new Blob([base64ToBytes(file.base64)], { type: file.mimeType }));
  download(manifestFileName(file.fileName), new Blob([file.manifest], { type: "application/json" }));
  return "downloaded";
}
