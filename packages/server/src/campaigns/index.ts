// Campaign runs: start one, follow its progress, resume it after a crash, read past runs back.
export { CampaignRunError, type CampaignRunErrorCode, campaignRunErrors } from './campaign-run-errors.js';
export { startCampaignRun } from './campaign-runner.js';
export type { Checkpoint } from './checkpoint.js';
export { listRuns, readRun, type StoredRun, storedProgress } from './run-store.js';
export type {
  CampaignRun,
  CampaignRunDeps,
  CampaignRunOptions,
  EncodedItems,
  ResultLine,
  RunCounts,
  RunPhase,
  RunProgress,
  RunReport,
  WorkChunk,
  WorkItem,
  WorkSource,
} from './run-types.js';
export { CSV_COLUMNS, csvField, deliverLines, openResultsFile, type ResultsFile } from './sinks.js';
export {
  type BatchContactHistory,
  type EncodedPagedProfileStore,
  type EncodedProfilePage,
  type PagedProfileStore,
  type ProfilePage,
  type StoreSourceOptions,
  storeSource,
} from './store-source.js';
