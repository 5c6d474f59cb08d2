// Public API of @cairn/repo: explicit named exports only.
export {
  assertNotSecret,
  CONFIG_LEVELS,
  type ConfigLevel,
  configFiles,
  type LoadedConfig,
  loadConfig,
  mergeConfig,
  SECRET_OPTIONS,
  toRawConfig,
  validateDocument,
} from './config/config.js';
export { type ConfigKey, parseConfigKey, setConfigValue, unsetConfigValue } from './config/edit.js';
export { IniDocument, type IniEntry, type IniValue, quoteValue } from './config/ini.js';
export type { AddOptions, AddResult } from './data/add.js';
export type { CheckoutFailure, CheckoutOptions, CheckoutResult } from './data/checkout.js';
export type { CommitResult } from './data/commit.js';
export type { OperationOptions } from './data/context.js';
export type {
  DataStatus,
  DataStatusChanges,
  DataStatusOptions,
} from './data/data-status.js';
export type { DataDiff, DataDiffEntry, DataDiffOptions } from './data/diff.js';
export type { GcOptions, GcResult } from './data/gc.js';
export type { MoveResult } from './data/move.js';
export type { TrackedEntry } from './data/outputs.js';
export type { RemoveResult } from './data/remove.js';
export {
  type ChangeKind,
  formatStatus,
  type StageStatusItem,
  type StatusReport,
} from './data/status.js';
export { type DoctorReport, doctor, redactUrl } from './doctor.js';
export type { ExpApplyOptions, ExpApplyResult } from './experiments/apply.js';
export { Experiments } from './experiments/experiments.js';
export type { ExpListEntry } from './experiments/list.js';
export { generateName } from './experiments/names.js';
export {
  EXPS_NAMESPACE,
  type ExpRef,
  type ExpRefInfo,
  expRefName,
  parseExpRef,
} from './experiments/refs.js';
export type { ExpRemoveOptions } from './experiments/remove.js';
export type { ExpRunOptions, ExpRunResult } from './experiments/run.js';
export {
  type ExpError,
  type ExpFileData,
  type ExpHashEntry,
  type ExpOutEntry,
  type ExpRange,
  type ExpRevData,
  type ExpShowOptions,
  type ExpState,
  experimentsToJson,
} from './experiments/show.js';
export {
  type ExpTableOptions,
  experimentsTable,
  formatCell,
  formatCreated,
} from './experiments/table.js';
export { HOOKS, type HookName, type InstallHooksOptions } from './hooks.js';
export {
  DVC_GITIGNORE,
  DVCIGNORE_TEMPLATE,
  type InitOptions,
  type InitResult,
  initRepo,
} from './init.js';
export { DVC_DIR, findRepoRoot } from './paths.js';
export { type ParamOverride, parseOverrides } from './pipeline/params-set.js';
export type {
  ReproOptions,
  ReproResult,
  ReproStage,
  StageAction,
} from './pipeline/repro.js';
export type { StageAddOptions, StageAddResult } from './pipeline/stage-add.js';
export type { AuditedOutput, AuditOptions, AuditResult } from './remote/audit.js';
export { type CloudState, type CloudStatus, formatCloudStatus } from './remote/cloud-status.js';
export { type CopyOptions, copyObjects } from './remote/copy-objects.js';
export type { CloudGcResult } from './remote/gc-cloud.js';
export type { MirrorOptions } from './remote/mirror.js';
export {
  displayValue,
  type RemoteAddOptions,
  type RemoteListing,
} from './remote/remote-config.js';
export type { SyncFailure, SyncOptions, SyncResult } from './remote/sync.js';
export type { ScopeOptions } from './remote/used-outputs.js';
export {
  type DataOptions,
  DEFAULT_LINK_TYPES,
  type OpenOptions,
  type PullResult,
  type RemoteInfo,
  type RemoteSyncOptions,
  Repo,
} from './repo.js';
