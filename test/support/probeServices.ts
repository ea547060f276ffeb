// What a Prober needs, for tests that drive one directly below the core: the store's probe repository, a scoring
// service, an event sink and a lease of this process.
import { NO_EVENTS, type Publish } from "../../main/core/events/bus.js";
import { processLease } from "../../main/core/lease.js";
import { ScoringService } from "../../main/core/probes/scoring.js";
import type { ProbeServices } from "../../main/core/schedule/prober.js";
import type { Store } from "../../main/core/store/store.js";

export function probeServices(store: Store, publish: Publish = NO_EVENTS): ProbeServices {
  return { probes: store.probes, scoring: new ScoringService(store.probes), publish, lease: processLease() };
}
