// The names of the contract's calls, alone, so the Electron preload can list them without bundling the schemas.
// shared/api.ts checks at compile time that its schemas cover exactly these names.
export const API_METHOD_NAMES = [
  "getInfo",
  "listRuns",
  "addRun",
  "setRunHidden",
  "removeRun",
  "previewProbing",
  "setRunProbing",
  "updateRun",
  "startDemo",
  "listCheckpoints",
  "metricKeys",
  "getMetrics",
  "getMetricSeries",
  "listTraits",
  "getScores",
  "getDriftSeries",
  "getGroupBands",
  "getSamples",
  "getRolloutSeries",
  "getRolloutSamples",
  "getRolloutHistogram",
  "listAnnotations",
  "createAnnotation",
  "updateAnnotation",
  "deleteAnnotation",
  "listJobs",
  "setJobState",
  "listSuites",
  "validateSuite",
  "importSuite",
  "testBackend",
  "listBackendKinds",
  "listBackends",
  "saveBackend",
  "deleteBackend",
  "completeFolder",
  "listAlertRules",
  "createAlertRule",
  "updateAlertRule",
  "deleteAlertRule",
  "listFiredAlerts",
  "listExperiments",
  "createExperiment",
  "getEffects",
  "renderExperimentExport",
  "getExportData",
  "renderExport",
] as const;

export type ApiMethodName = (typeof API_METHOD_NAMES)[number];

/** IPC channel of a call, and the channel events arrive on. */
export const ipcChannel = (method: ApiMethodName) => `driftscope:${method}`;
export const EVENT_CHANNEL = "driftscope:event";
export const PICK_FOLDER_CHANNEL = "driftscope:pick-folder";
export const SET_API_KEY_CHANNEL = "driftscope:set-api-key";
export const SAVE_EXPORT_CHANNEL = "driftscope:save-export";
