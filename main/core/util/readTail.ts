// Reads what a growing file holds past a saved offset: the shared first step of every incremental log reader.
import { openRegular } from "./boundedRead.js";

export interface Tail {
  /** The bytes from the offset to the end as it was when read. */
  bytes: Buffer;
  size: number;
  mtimeMs: number;
}

export async function readTail(path: string, offset: number): Promise<Tail> {
  const fh = await openRegular(path);
  try {
    const st = await fh.stat();
    const length = Math.max(0, st.size - offset);
    const buf = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const { bytesRead } = await fh.read(buf, read, length - read, offset + read);
      if (bytesRead === 0) break; // truncated while reading: take what was there
      read += bytesRead;
    }
    return { bytes: buf.subarray(0, read), size: st.size, mtimeMs: st.mtimeMs };
  } finally {
    await fh.close();
  }
}
