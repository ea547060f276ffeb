// The desktop shell, kept thin: every decision lives in policy.ts, menu.ts and ipc.ts (tested in Node); the core runs
// in a worker thread. Electron cannot be launched on the build machines, so nothing here holds logic worth testing.
import { app, BrowserWindow, dialog, ipcMain, Menu, Notification, net, protocol, safeStorage, session, shell } from "electron";
import { mkdirSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { EVENT_CHANNEL, PICK_FOLDER_CHANNEL, SAVE_EXPORT_CHANNEL, SET_API_KEY_CHANNEL } from "../../shared/apiMethods.js";
import { manifestFileName } from "../../shared/chart/exportSpec.js";
import { exposeApiKeys, keyEnvName, sealApiKey } from "./apiKeys.js";
import { CoreClient } from "./coreClient.js";
import { registerApiHandlers } from "./ipc.js";
import { menuTemplate, type MenuAction, type MenuItemSpec } from "./menu.js";
import { allowNavigation, APP_SCHEME, APP_URL, isTrustedSender, parseSaveExport, permissionDecision, protocolFile, windowOpenDecision, windowOptions } from "./policy.js";

const here = dirname(fileURLToPath(import.meta.url));
const rendererDir = join(here, "..", "..", "renderer");

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let core: CoreClient | null = null;
let window: BrowserWindow | null = null;

async function pickFolder(): Promise<string | null> {
  const r = await dialog.showOpenDialog({ title: "Add run folder", properties: ["openDirectory"] });
  return r.canceled ? null : (r.filePaths[0] ?? null);
}

function buildMenu(actions: Record<MenuAction, () => void>): Menu {
  const convert = (items: MenuItemSpec[]): Electron.MenuItemConstructorOptions[] =>
    items.map((i) => ({
      label: i.label,
      role: i.role,
      type: i.type,
      accelerator: i.accelerator,
      click: i.action ? actions[i.action] : undefined,
      submenu: i.submenu ? convert(i.submenu) : undefined,
    }));
  return Menu.buildFromTemplate(convert(menuTemplate(process.platform, !app.isPackaged)));
}

app.on("web-contents-created", (_e, contents) => {
  contents.on("will-navigate", (event, url) => {
    if (!allowNavigation(url)) event.preventDefault();
  });
  contents.on("will-attach-webview", (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const d = windowOpenDecision(url);
    if (d.openExternally) void shell.openExternal(url);
    return { action: d.action };
  });
});

app.whenReady().then(() => {
  const dataDir = app.getPath("userData");
  mkdirSync(dataDir, { recursive: true });
  process.env.NODE_ENV ??= "production"; // React in the core draws exports: its production build
  core = new CoreClient({ dbPath: join(dataDir, "driftscope.db"), demoDir: join(dataDir, "demo-runs"), transport: "electron", backupEveryMs: 6 * 3600_000, deferCheck: true });

  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(permissionDecision(permission)));
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => permissionDecision(permission));
  protocol.handle(APP_SCHEME, (request) => {
    const hit = protocolFile(rendererDir, request.url);
    if (!hit) return new Response("not found", { status: 404 });
    return net.fetch(pathToFileURL(hit.file).toString()).then((res) => new Response(res.body, { status: res.status, headers: { ...Object.fromEntries(res.headers), ...hit.headers } }));
  });

  registerApiHandlers(ipcMain, (method, args) => core!.call(method, args));
  ipcMain.handle(PICK_FOLDER_CHANNEL, (event) => (isTrustedSender(event.senderFrame) ? pickFolder() : null));
  ipcMain.handle(SET_API_KEY_CHANNEL, async (event, backend: unknown, key: unknown) => {
    if (!isTrustedSender(event.senderFrame)) throw new Error("refused: the message did not come from the Driftscope window");
    if (typeof backend !== "string" || !backend || typeof key !== "string") throw new Error("setApiKey needs a backend name and a key");
    await core!.setSealedKey(backend, sealApiKey(safeStorage, key));
    process.env[keyEnvName(backend)] = key; // usable at once by the core's worker, which shares this environment
    return keyEnvName(backend);
  });
  ipcMain.handle(SAVE_EXPORT_CHANNEL, async (event, request: unknown) => {
    if (!isTrustedSender(event.senderFrame)) throw new Error("refused: the message did not come from the Driftscope window");
    const file = parseSaveExport(request);
    const chosen = await dialog.showSaveDialog(window!, { defaultPath: join(app.getPath("documents"), file.fileName), filters: [{ name: file.extension.toUpperCase(), extensions: [file.extension] }] });
    if (chosen.canceled || !chosen.filePath) return null;
    await writeFile(chosen.filePath, file.bytes);
    await writeFile(manifestFileName(chosen.filePath), file.manifest);
    return chosen.filePath;
  });
  void core.sealedKeys().then((sealed) => {
    const failed = exposeApiKeys(safeStorage, sealed, process.env);
    if (failed.length > 0) dialog.showErrorBox("Driftscope", `Could not decrypt the stored API keys of: ${failed.join(", ")}. Enter them again in Settings.`);
  });

  window = new BrowserWindow(windowOptions(join(here, "preload.cjs")));
  window.once("ready-to-show", () => window?.show());
  void window.loadURL(APP_URL);
  core.onEvent((event) => {
    window?.webContents.send(EVENT_CHANNEL, event);
    if (event.type === "problem" && Notification.isSupported()) new Notification({ title: "Driftscope", body: event.message }).show();
    if (event.type === "alert-fired" && Notification.isSupported()) new Notification({ title: "Driftscope alert", body: event.alert.message }).show();
  });

  Menu.setApplicationMenu(
    buildMenu({
      "add-run": () =>
        void pickFolder().then((path) => path && core!.call("addRun", { path })),
      "start-demo": () => void core!.call("startDemo", {}),
      reload: () => window?.reload(),
      "toggle-devtools": () => window?.webContents.toggleDevTools(),
      quit: () => app.quit(),
    }),
  );
});

let quitting = false;
app.on("before-quit", (event) => {
  if (quitting || !core) return;
  event.preventDefault();
  quitting = true;
  void core.close().finally(() => app.quit());
});
app.on("window-all-closed", () => app.quit());
