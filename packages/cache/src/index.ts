// Public API of @cairn/cache: explicit named exports only.

export { ObjectIndex } from './object-index.js';
export {
  type HashName,
  type InsertResult,
  isValidOid,
  type ObjectCheck,
  ObjectStore,
  type ObjectStoreOptions,
} from './object-store.js';
export { type FileStat, StateIndex } from './state-index.js';
export {
  buildTree,
  compareCodePoints,
  DIR_SUFFIX,
  isDirOid,
  parseTree,
  pythonJsonString,
  serializeTree,
  sortEntries,
  type Tree,
  type TreeEntry,
  unsafeRelpath,
} from './tree.js';
