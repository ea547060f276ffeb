// This process's identity for job leases: unique per process (host, pid, a random part), with a liveness test that
// lets recovery take over at once from a process on this host that is gone, instead of waiting out its lease.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { LeaseHolder } from "./store/probeStore.js";

/** A lease lasts this long without a heartbeat (the prober renews it every third of that). */
export const LEASE_TTL_MS = 30_000;

export function processLease(ttlMs = LEASE_TTL_MS): LeaseHolder {
  const host = hostname();
  return {
    owner: `${host}:${process.pid}:${randomBytes(4).toString("hex")}`,
    ttlMs,
    ownerGone: (owner) => {
      const [h, pid] = owner.split(":");
      if (h !== host || !pid || !/^\d+$/.test(pid)) return false; // another machine: only the lease's expiry can tell
      if (Number(pid) === process.pid) return false; // another workspace open in this process: it releases on close
      try {
        process.kill(Number(pid), 0);
        return false;
      } catch (err) {
        return (err as NodeJS.ErrnoException).code === "ESRCH";
      }
    },
  };
}
