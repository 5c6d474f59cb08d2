// Public API of @cairn/types: explicit named exports only.
export {
  CairnError,
  type CairnErrorCode,
  type CairnErrorOptions,
  ExitCode,
  isCairnError,
  usageError,
} from './errors.js';
export {
  CairnParseError,
  formatOf,
  formatPath,
  type Locator,
  type ParseIssue,
  type ParseOptions,
  parseJson,
  parseStructured,
  parseYaml,
  parseYamlDocument,
  type StructuredFormat,
  validateValue,
  type YamlDocument,
} from './parse.js';
export type { ProgressEvent, ProgressListener } from './progress.js';
export type {
  RemoteBody,
  RemoteCallOptions,
  RemoteDriver,
  RemoteListEntry,
  RemoteObjectInfo,
  RemoteScheme,
  RemoteWriteOptions,
} from './remote.js';
export { CaptureEpisode, CaptureRun, CaptureStep } from './schemas/capture.js';
export {
  HashValue,
  LooseBoolean,
  LooseInt,
  Md5Hex,
  NameSegment,
  NonNegativeInt,
  ObjectId,
  relativePathProblem,
  SafeRelativePath,
  Sha256Hex,
} from './schemas/common.js';
export {
  CacheSection,
  CoreSection,
  DvcConfig,
  LinkType,
  LinkTypeList,
  RemoteSection,
} from './schemas/dvc-config.js';
export { DvcEntry, entryHashName } from './schemas/dvc-entry.js';
export { DvcFile } from './schemas/dvc-file.js';
export { DvcLock, LockStage } from './schemas/dvc-lock.js';
export {
  DvcYaml,
  ForeachDefinition,
  OutDefinition,
  OutFlags,
  ParamsDefinition,
  PlotFlags,
  PlotOutDefinition,
  StageDefinition,
  TopLevelPlot,
  VarsDefinition,
} from './schemas/dvc-yaml.js';
export {
  BundleArtifact,
  BundleIndex,
  BundleManifestEntry,
  FileDigest,
  InputsRoot,
  RuntimeInfo,
  StepManifest,
} from './schemas/manifest.js';
