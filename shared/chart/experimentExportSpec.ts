// What an experiment export asks for, as plain data (no renderer): the views and the formats each can take.
export const EXPERIMENT_VIEWS = ["matrix", "grid", "scatter", "steps"] as const;
export type ExperimentView = (typeof EXPERIMENT_VIEWS)[number];

/** Every view draws as SVG, PNG and PDF; the effect matrix is also data (CSV) and a LaTeX booktabs tabular. */
export const EXPERIMENT_EXPORT_FORMATS = ["svg", "png", "pdf", "csv", "tex"] as const;
export type ExperimentExportFormat = (typeof EXPERIMENT_EXPORT_FORMATS)[number];

export const EXPERIMENT_MIME_TYPES: Record<ExperimentExportFormat, string> = {
  svg: "image/svg+xml",
  png: "image/png",
  pdf: "application/pdf",
  csv: "text/csv",
  tex: "application/x-tex",
};
