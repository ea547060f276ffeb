// The preload: exposes exactly the contract's calls (and the desktop bridge) to the sandboxed renderer, each as a
// named function over ipcRenderer.invoke. No raw ipcRenderer and no generic invoke reach the page. The object is
// checked against the contract with `satisfies`, so a call missing here (or one too many) fails to compile.
import { contextBridge, ipcRenderer, webUtils } from "electron";
import type { Api, ApiArgs, ApiMethod, ApiResults } from "../../shared/api.js";
import { EVENT_CHANNEL, ipcChannel, PICK_FOLDER_CHANNEL, SAVE_EXPORT_CHANNEL, SET_API_KEY_CHANNEL } from "../../shared/apiMethods.js";
import type { CoreEvent } from "../../shared/events.js";

const call =
  <K extends ApiMethod>(method: K) =>
  (args: ApiArgs[K]) =>
    ipcRenderer.invoke(ipcChannel(method), args) as Promise<ApiResults[K]>;

const api = {
  getInfo: call("getInfo"),
  listRuns: call("listRuns"),
  addRun: call("addRun"),
  setRunHidden: call("setRunHidden"),
  removeRun: call("removeRun"),
  previewProbing: call("previewProbing"),
  setRunProbing: call("setRunProbing"),
  updateRun: call("updateRun"),
  startDemo: call("startDemo"),
  listCheckpoints: call("listCheckpoints"),
  metricKeys: call("metricKeys"),
  getMetrics: call("getMetrics"),
  getMetricSeries: call("getMetricSeries"),
  listTraits: call("listTraits"),
  getScores: call("getScores"),
  getDriftSeries: call("getDriftSeries"),
  getGroupBands: call("getGroupBands"),
  getSamples: call("getSamples"),
  getRolloutSeries: call("getRolloutSeries"),
  getRolloutSamples: call("getRolloutSamples"),
  getRolloutHistogram: call("getRolloutHistogram"),
  listAnnotations: call("listAnnotations"),
  createAnnotation: call("createAnnotation"),
  updateAnnotation: call("updateAnnotation"),
  deleteAnnotation: call("deleteAnnotation"),
  listJobs: call("listJobs"),
  setJobState: call("setJobState"),
  listSuites: call("listSuites"),
  validateSuite: call("validateSuite"),
  importSuite: call("importSuite"),
  testBackend: call("testBackend"),
  listBackendKinds: call("listBackendKinds"),
  listBackends: call("listBackends"),
  saveBackend: call("saveBackend"),
  deleteBackend: call("deleteBackend"),
  completeFolder: call("completeFolder"),
  listAlertRules: call("listAlertRules"),
  createAlertRule: call("createAlertRule"),
  updateAlertRule: call("updateAlertRule"),
  deleteAlertRule: call("deleteAlertRule"),
  listFiredAlerts: call("listFiredAlerts"),
  listExperiments: call("listExperiments"),
  createExperiment: call("createExperiment"),
  getEffects: call("getEffects"),
  renderExperimentExport: call("renderExperimentExport"),

  getExportData: call("getExportData"),
  renderExport: call("renderExport"),
  onEvent(listener: (event: CoreEvent) => void) {
    const relay = (_e: unknown, event: CoreEvent) => listener(event);
    ipcRenderer.on(EVENT_CHANNEL, relay);
    return () => void ipcRenderer.removeListener(EVENT_CHANNEL, relay);
  },
  desktop: {
    pickFolder: () => ipcRenderer.invoke(PICK_FOLDER_CHANNEL) as Promise<string | null>,
    pathForFile: (file: File) => webUtils.getPathForFile(file),
    setApiKey: (backend: string, key: string) => ipcRenderer.invoke(SET_API_KEY_CHANNEL, backend, key) as Promise<string>,
    saveExport: (file: { fileName: string; base64: string; manifest: string }) => ipcRenderer.invoke(SAVE_EXPORT_CHANNEL, file) as Promise<string | null>,
  },
} satisfies Api;

contextBridge.exposeInMainWorld("driftscope", api);
