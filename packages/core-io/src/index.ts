// Public API of @cairn/core-io: explicit named exports only.
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
