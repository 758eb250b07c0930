// The export module's public surface: OTLP export of ledger runs (metrics and spans).

export type { ExportConfig } from './config.js';
export { DEFAULT_EXPORT_TIMEOUT_MS, DEFAULT_OTLP_ENDPOINT, resolveExportConfig } from './config.js';
export type { PendingExportOptions, PendingExportResult, SyncOptions } from './export-pending.js';
export { exportPendingWith, syncPending } from './export-pending.js';
export type { ExporterOptions, ExportResult, RunExporter } from './exporter.js';
export { startExporter } from './exporter.js';
export { runPoints } from './metric-points.js';
export { spansFor } from './span-model.js';
