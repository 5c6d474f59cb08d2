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
export { type DoctorReport, doctor, redactUrl } from './doctor.js';
export {
  DVC_GITIGNORE,
  DVCIGNORE_TEMPLATE,
  type InitOptions,
  type InitResult,
  initRepo,
} from './init.js';
export { DVC_DIR, findRepoRoot } from './paths.js';
export { DEFAULT_LINK_TYPES, type OpenOptions, type RemoteInfo, Repo } from './repo.js';
