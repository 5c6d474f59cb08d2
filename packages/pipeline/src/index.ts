// Public API of @cairn/pipeline: explicit named exports only.
export {
  type DiffItem,
  type DiffResult,
  type DiffTableOptions,
  diffData,
  diffTable,
  diffToJson,
  formatDict,
  formatField,
  type MetricsRow,
  metricsTable,
  renderTable,
  type Table,
} from './compare.js';
export { buildDag, Dag, type DagEdge, type DagNode, type SelectOptions } from './dag.js';
export { type DagJson, dagToJson, renderDot, renderMermaid, renderText } from './dag-render.js';
export { type FileSource, gitRevSource, workspaceSource } from './file-source.js';
export {
  type CheckGitBinariesOptions,
  checkGitBinaries,
  DEFAULT_BINARY_EXTENSIONS,
  DEFAULT_MAX_SIZE,
  type GitBinary,
  parseSize,
} from './git-binaries.js';
export { flattenDict, type ParsingConfig } from './interpolate.js';
export { type DataFormat, dataFormatOf, parseDataFile } from './load-data.js';
export {
  computeLockEntry,
  formatLock,
  type HashInfo,
  type HashName,
  type LockFile,
  type LockStage,
  lockItem,
  lockPathFor,
  parseLock,
  readLock,
  removeFromLock,
  type StageHashes,
  updateLock,
  writeLock,
} from './lock.js';
export {
  collectMetricsFiles,
  type DiffOptions,
  type DiffOutcome,
  extractMetrics,
  type MetricsOptions,
  metricsDiff,
  parseMetrics,
  showMetrics,
} from './metrics.js';
export {
  collectParamsFiles,
  getDotted,
  loadStageParams,
  type ParamsFilesOptions,
  paramsDiff,
  readParamsFile,
  readTrackedParams,
  showParams,
} from './params.js';
export {
  type CollectOptions,
  type DvcYamlFile,
  findTargets,
  type LoadPipelineOptions,
  loadPipeline,
  type Pipeline,
  type PipelineNode,
  type PointerFile,
  selectStages,
} from './pipeline.js';
export {
  isPyDict,
  isPyFloat,
  type PyDict,
  type PyScalar,
  type PyValue,
  pyEquals,
  pyFormatG,
  pyRepr,
  pyRound,
  pyStr,
  toJsonValue,
} from './py-value.js';
export {
  DEFAULT_PARAMS_FILE,
  JOIN,
  type ResolvedDvcYaml,
  type ResolvedStageDefinition,
  type ResolveOptions,
  resolveDvcYaml,
} from './resolve.js';
export { type RevisionData, type RevisionOptions, WORKSPACE } from './revisions.js';
export {
  addressingOf,
  type OutKind,
  type PlotProps,
  type Stage,
  type StageDep,
  type StageOut,
  type StageParams,
  type StagePath,
  stagePath,
} from './stage.js';
export {
  describeNode,
  listStages,
  type StageListEntry,
  type StageListOptions,
} from './stage-list.js';
export {
  formatStatus,
  hashNamesFor,
  isChanged,
  type ParamStatus,
  type PathStatus,
  type StageState,
  type StatusEntry,
  stageStatus,
} from './status.js';
