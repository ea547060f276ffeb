// driftscope serve: the app in a browser. Binds loopback by default and prints the URL with its session token.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { openWorkspace } from "../../core/index.js";
import { isLoopback, tokenFromFile } from "../../server/security.js";
import { startServer } from "../../server/server.js";
import { intFlag, parse, secondsFlag, UsageError } from "../args.js";
import type { Io } from "../output.js";

export const SERVE_HELP = `driftscope serve [--db FILE] [--port N] [--host 127.0.0.1] [--allow-host NAME]... [--demo] [--interval S] [--quiet-period S] [--token-file FILE]
  Serves the app to a browser on this machine. Open the printed URL (it carries the session token).
  --token-file keeps one token across restarts (created, readable by you only, if missing), so open pages
  reconnect by themselves after a restart.
  --demo starts the live demo run (both variants, probed as they train) and the miniature experiment (six conditions
  x 3 seeds; open the Experiment tab, or the printed URL's #experiment). --host 0.0.0.0 serves every address of this
  machine (the token is still required); --allow-host adds a name the browser may use to reach it.
`;

export function rendererDir(): string {
  const dir = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../../renderer");
  if (!existsSync(join(dir, "index.html"))) throw new Error(`the renderer is not built (${dir}); run npm run build`);
  return dir;
}

export async function serveCommand(argv: string[], io: Io, signal: AbortSignal): Promise<number> {
  const { values, positionals } = parse(argv, {
    port: { type: "string" },
    host: { type: "string" },
    "allow-host": { type: "string", multiple: true },
    demo: { type: "boolean" },
    interval: { type: "string" },
    "quiet-period": { type: "string" },
    "token-file": { type: "string" },
  });
  if (values.help) return io.out(SERVE_HELP), 0;
  if (positionals.length > 0) throw new UsageError("serve takes no arguments");
  const host = values.host ?? "127.0.0.1";
  // Read before the workspace opens: a bad token file fails at once, naming the file.
  const kept = values["token-file"] !== undefined ? tokenFromFile(values["token-file"]) : null;
  if (kept?.created) io.err(`driftscope: wrote a new session token to ${values["token-file"]} (readable by you only)\n`);
  if (!isLoopback(host)) io.err(`driftscope: warning: serving on ${host}: the app is reachable from the network, not only this machine; every request still needs the session token\n`);
  const core = openWorkspace({
    db: values.db,
    transport: "http",
    backupEveryMs: 6 * 3600_000,
    // The pages are checked on another thread: the page opens at once, even over a workspace of gigabytes.
    deferCheck: true,
    intervalMs: secondsFlag("interval", values.interval),
    quietPeriodMs: secondsFlag("quiet-period", values["quiet-period"]),
  });
  // Said when the check has found it (at once, or when the deferred check ends).
  void core.ready.then(() => {
    if (core.damage) io.err(`driftscope: warning: ${core.damage}\n`);
  });
  core.start();
  const server = await startServer({
    core,
    host,
    port: intFlag("port", values.port, { min: 0 }) ?? 0,
    rendererDir: rendererDir(),
    allowHosts: values["allow-host"],
    token: kept?.token,
    onError: (message) => io.err(`driftscope: error answering a request: ${message}\n`),
  });
  io.out(`Driftscope is serving at ${server.url}${values.demo ? "#experiment" : ""}\n`);
  void core.warmUp();
  if (values.demo) {
    const runs = await core.call("startDemo", { experiment: true });
    io.err(`started the demo run (a miniature): ${runs.map((r) => r.name).join(", ")}\n`);
  }
  await new Promise<void>((r) => (signal.aborted ? r() : signal.addEventListener("abort", () => r(), { once: true })));
  await server.close();
  await core.close();
  return 0;
}
