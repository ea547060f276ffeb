// The IPC bridge: one handler per call of the contract, each checking its sender and validating its argument
// before the core (in its worker thread) sees it.
import { API_METHOD_NAMES, ipcChannel, type ApiMethodName } from "../../shared/apiMethods.js";
import { validateArgs } from "../../shared/api.js";
import { isTrustedSender } from "./policy.js";

/** The part of Electron's ipcMain the bridge uses; tests pass a stand-in. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: { senderFrame?: { url?: string; parent?: unknown } | null }, ...args: unknown[]) => unknown): void;
}

export function registerApiHandlers(ipcMain: IpcMainLike, call: (method: ApiMethodName, args: unknown) => Promise<unknown>): void {
  for (const method of API_METHOD_NAMES) {
    ipcMain.handle(ipcChannel(method), async (event, args) => {
      if (!isTrustedSender(event.senderFrame)) throw new Error(`refused ${method}: the message did not come from the Driftscope window`);
      return call(method, validateArgs(method, args));
    });
  }
}
