// The core's event bus: what changed, said once, heard by every door (the desktop app's IPC, serve mode's
// WebSocket, the CLI's progress lines). Repositories and services are handed its publish function; only the core
// holds the bus, so listeners live in one place.
import type { CoreEvent, CoreEventListener } from "../../../shared/events.js";

export type Publish = (event: CoreEvent) => void;

export class EventBus {
  private readonly listeners = new Set<CoreEventListener>();

  /** Bound, so it can be handed around as a plain function. */
  readonly publish: Publish = (event) => {
    for (const l of this.listeners) l(event);
  };

  subscribe(listener: CoreEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** For code that writes without anyone listening (tests, one-off tools). */
export const NO_EVENTS: Publish = () => undefined;
