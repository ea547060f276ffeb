import assert from "node:assert/strict";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { exposeApiKeys, keyEnvName, sealApiKey, type SafeStorageLike } from "../../main/electron/apiKeys.js";
import { Store } from "../../main/core/store/store.js";
import { tempDir } from "../support/tmp.js";

/** A real cipher in safeStorage's shape (AES-256-GCM with a key held in memory, as the OS keychain would hold it). */
function aesStorage(available = true): SafeStorageLike {
  const key = randomBytes(32);
  return {
    isEncryptionAvailable: () => available,
    encryptString(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv("aes-256-gcm", key, iv);
      const body = Buffer.concat([c.update(plain, "utf8"), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decryptString(sealed) {
      const d = createDecipheriv("aes-256-gcm", key, sealed.subarray(0, 12));
      d.setAuthTag(sealed.subarray(12, 28));
      return Buffer.concat([d.update(sealed.subarray(28)), d.final()]).toString("utf8");
    },
  };
}

test("API keys are stored sealed, never in plain text, and come back into the environment under a stable name", (t) => {
  const dir = tempDir(t);
  const storage = aesStorage();
  const store = Store.open(join(dir, "w.db"));
  const secret = "sk-live-this-must-never-hit-the-disk-0123456789";
  store.settings.setSealedKey("OpenAI prod", sealApiKey(storage, secret));
  store.db.pragma("wal_checkpoint(TRUNCATE)");
  const sealed = store.settings.sealedKeys();
  store.close();
  assert.ok(!readFileSync(join(dir, "w.db")).includes(Buffer.from(secret)), "the plain key is not in the database file");
  assert.equal(keyEnvName("OpenAI prod"), "DRIFTSCOPE_KEY_OPENAI_PROD");
  const env: NodeJS.ProcessEnv = {};
  assert.deepEqual(exposeApiKeys(storage, sealed, env), []);
  assert.equal(env.DRIFTSCOPE_KEY_OPENAI_PROD, secret);
  // Sealed by another keychain (another machine or user): skipped, and named.
  assert.deepEqual(exposeApiKeys(aesStorage(), sealed, {}), ["OpenAI prod"]);
});

test("without encrypted storage a key is refused with advice, and an empty key is refused", () => {
  assert.throws(() => sealApiKey(aesStorage(false), "sk-1"), /no encrypted storage.*apiKeyEnv/);
  assert.throws(() => sealApiKey(aesStorage(), "  "), /empty/);
});
