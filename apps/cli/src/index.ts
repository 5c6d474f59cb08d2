// Public API of @cairn/cli: run the CLI in-process (used by tests and embedders).
export {
  type BooleanOption,
  type CommandContext,
  type CommandDefinition,
  type CommandResult,
  defineCommand,
  type OptionSpec,
  type OptionsSpec,
  type OptionValues,
  type PositionalSpec,
  type StringOption,
} from './command.js';
export { GLOBAL_OPTIONS, type MainIO, main } from './main.js';
