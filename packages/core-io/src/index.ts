// Public API of @cairn/core-io: explicit named exports only.
export {
  type AtomicFile,
  type AtomicWriteData,
  type AtomicWriteOptions,
  type AtomicWriteResult,
  cleanStaleTemps,
  ensureDir,
  fsyncDir,
  fsyncDirSync,
  writeFileAtomic,
  writeFileAtomicSync,
  writeFilesAtomicSync,
  writeJsonAtomic,
  writeYamlAtomic,
} from './atomic-write.js';
export {
  CopyVerifiedCode,
  type CopyVerifiedOptions,
} from './copy-verified.js';
export { makeDirs, makeDirsSync, SHARED_DIR_MODE } from './dirs.js';
export {
  type Dos2UnixResult,
  hashBytesDos2Unix,
  hashFileDos2Unix,
  isTextBlock,
} from './dos2unix.js';
export { stringifyDvcYaml } from './dvc-yaml.js';
export { DVCIGNORE_FILE, DvcIgnore, IgnoreRules } from './dvcignore.js';
export {
  findGitRoot,
  type GitOptions,
  git,
  gitAdd,
  gitRaw,
  headSha,
  isDirty,
  listAllCommits,
  listFilesAtRev,
  readFileAtRev,
  resolveRev,
} from './git.js';
export { fnmatch, globPaths } from './glob.js';
export {
  type HashAlgorithm,
  type HashOptions,
  type HashResult,
  hashBytes,
  hashFile,
  hashStream,
} from './hash.js';
export { linkAsObjectSync } from './hash-batch.js';
export {
  type HashFilesOptions,
  type HashInput,
  HashPool,
  type HashPoolOptions,
  type PlaceChunk,
  placedPairs,
  type StoreInto,
  type StoreOutcome,
} from './hash-pool.js';
export {
  defaultFileModeSync,
  detectLinkTypes,
  Linker,
  type LinkerOptions,
  type LinkFallbackEvent,
  type LinkOptions,
  type LinkTypeSupport,
  READ_ONLY_MODE,
  unprotect,
} from './link.js';
export { acquireLock, type LockHandle, type LockInfo, type LockOptions, readLock } from './lock.js';
export { assertInside, isPlainRelative } from './path-inside.js';
export {
  type Placement,
  type PlaceResult,
  packStats,
  UNVERIFIED,
} from './place-batch.js';
export { isProcessAlive } from './process-alive.js';
export { PyFloat, pythonFloatRepr } from './py-float.js';
export { SMALL_FILE_MAX } from './small-file.js';
export { type FileStat, STAT_FIELDS } from './stat-batch.js';
export { TEMP_SUFFIX, tempPathFor } from './temp-name.js';
export {
  type FileVisitor,
  visitTree,
  visitTreeParallel,
  type WalkDiagnostic,
  type WalkEntry,
  type WalkOptions,
  type WalkResult,
  walkTree,
  walkTreeParallel,
} from './walk.js';
export { writeRenameSync } from './write-rename-sync.js';
