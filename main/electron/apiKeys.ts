// API keys in the desktop app: encrypted with Electron's safeStorage (the OS keychain) before they reach the
// workspace, never stored in plain text. At start the main process decrypts them into environment variables of its
// own process, shared with the core's worker, under names the backend configs point at (apiKeyEnv).

/** The part of Electron's safeStorage used here. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/** The environment variable a backend's key is exposed under (letters, digits and _ only). */
export function keyEnvName(backend: string): string {
  return `DRIFTSCOPE_KEY_${backend.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}`;
}

export function sealApiKey(storage: SafeStorageLike, key: string): Buffer {
  if (!storage.isEncryptionAvailable()) throw new Error("this system offers no encrypted storage for secrets; give the key through an environment variable (apiKeyEnv) instead");
  if (key.trim() === "") throw new Error("the API key is empty");
  return storage.encryptString(key);
}

/** Decrypts stored keys into env (for this process and its worker); a key that cannot be decrypted is skipped and named. */
export function exposeApiKeys(storage: SafeStorageLike, sealed: { name: string; sealed: Buffer }[], env: NodeJS.ProcessEnv): string[] {
  const failed: string[] = [];
  for (const k of sealed) {
    try {
      env[keyEnvName(k.name)] = storage.decryptString(k.sealed);
    } catch {
      failed.push(k.name);
    }
  }
  return failed;
}
