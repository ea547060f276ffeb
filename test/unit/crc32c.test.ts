import assert from "node:assert/strict";
import { test } from "node:test";
import { crc32c, maskedCrc32c } from "../../main/core/runs/metrics/crc32c.js";

test("CRC-32C matches the standard check value", () => {
  // The CRC catalogue's check value for CRC-32/ISCSI over the ASCII digits 1..9.
  assert.equal(crc32c(Buffer.from("123456789")), 0xe3069283);
  assert.equal(crc32c(Buffer.alloc(32)), 0x8a9136aa); // RFC 3720 B.4: 32 bytes of zeros
});

test("masking rotates and adds TFRecord's constant", () => {
  const crc = crc32c(Buffer.from("123456789"));
  const expected = ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
  assert.equal(maskedCrc32c(Buffer.from("123456789")), expected);
  assert.notEqual(expected, crc);
});
