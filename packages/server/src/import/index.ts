/**
 * @module import — bulk import of subscriber profiles from CSV or JSONL through a mapping file (`arbiter import`).
 */
export { type ByteSource, fileSource, memorySource } from './byte-source.js';
export { type CompiledAttribute, compileMapping, type Mapping } from './compile-mapping.js';
export {
  ImportError,
  importErrors,
  importProblems,
  mappingProblems,
  type RowReasonCode,
  rowReasons,
} from './import-errors.js';
export { type ImportFormat, type ImportOptions, type ImportSummary, importProfiles } from './import-profiles.js';
export { loadMapping, parseMapping } from './load-mapping.js';
export type { RowReason } from './map-row.js';
export { MappingFile } from './mapping-schema.js';
export { jsonlRejects, memoryRejects, type RejectedRow, type RejectSink } from './rejects.js';
