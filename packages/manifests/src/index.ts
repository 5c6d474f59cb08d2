// Public API of @cairn/manifests: explicit named exports only.
export {
  BUNDLE_INDEX,
  type BundleVerification,
  type ExportBundleOptions,
  type ExportBundleResult,
  exportBundle,
  type LoadedBundle,
  loadBundle,
  type VerifyBundleOptions,
  verifyBundle,
} from './bundle.js';
export { canonicalJson, configHash } from './canonical-json.js';
export {
  CAPTURES_DIR,
  CaptureInvalidError,
  describeIssue,
  type IngestCaptureOptions,
  type IngestCaptureResult,
  ingestCapture,
} from './capture-ingest.js';
export {
  CAPTURE_EPISODES_FILE,
  CAPTURE_RUN_FILE,
  CAPTURE_STEPS_FILE,
  type CaptureIssue,
  type CaptureValidationReport,
  type ValidateCaptureOptions,
  validateCapture,
} from './capture-validate.js';
export type { ProblemKind, ProblemRole, VerifyProblem } from './check-files.js';
export { MANIFEST_FILE } from './files.js';
export { compareRunIds, formatRunTimestamp, type ParsedRunId, parseRunId } from './run-id.js';
export {
  type CreateRunOptions,
  createRun,
  type ListRunsOptions,
  listRuns,
  RUNS_DIR,
  type RunHandle,
  type RunSummary,
  type StepStatus,
  type StepSummary,
} from './runs.js';
export {
  type BeginStepOptions,
  beginStep,
  type CommitOptions,
  type CommitResult,
  Step,
} from './step.js';
export {
  type LoadedManifest,
  type ManifestVerification,
  readManifest,
  type VerifyManifestOptions,
  verifyManifest,
} from './verify.js';
