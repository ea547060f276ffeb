// Renderer entry: picks the transport (Electron's preload bridge, or HTTP in serve mode) and mounts the app.
import { createRoot } from "react-dom/client";
import type { Api } from "../shared/api.js";
import { httpApi } from "./api/httpApi.js";
import { withStartPrefetched } from "./api/prefetch.js";
import { startFragment } from "./startView.js";
import { App } from "./App.js";

declare global {
  interface Window {
    driftscope?: Api;
  }
}

const api = withStartPrefetched(window.driftscope ?? httpApi(), startFragment(), window.devicePixelRatio || 1);
createRoot(document.getElementById("root")!).render(<App api={api} />);
