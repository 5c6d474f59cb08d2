/**
 * The `cairn` entry point: resolve the command, parse its flags, run it, render the result.
 * Exit codes: 0 ok, 1 failure, 2 usage error, 130 interrupted (see `cairn --help`).
 */
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { ExitCode, isCairnError, usageError } from '@cairn/types';
import type { CommandDefinition, OptionSpec, OptionsSpec, OptionValues } from './command.js';
import { commandHelp, rootHelp } from './help.js';
import { createProgress } from './progress.js';
import { type CommandGroup, type CommandTree, commands, isGroup } from './registry.js';
import { cliVersion } from './version.js';

export const GLOBAL_OPTIONS = {
  json: { type: 'boolean', description: 'Print the result as one JSON document on stdout.' },
  quiet: { type: 'boolean', short: 'q', description: 'Print nothing but errors.' },
  verbose: {
    type: 'boolean',
    short: 'v',
    description: 'Show stack traces and causes of errors.',
  },
  cd: { type: 'string', valueName: '<dir>', description: 'Run as if cairn was started in <dir>.' },
  help: { type: 'boolean', short: 'h', description: 'Show help for a command.' },
} satisfies OptionsSpec;

export interface MainIO {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT/SIGTERM by the binary. */
  signal: AbortSignal;
}

export async function main(argv: string[], partial: Partial<MainIO> = {}): Promise<number> {
  const io: MainIO = {
    stdout: partial.stdout ?? process.stdout,
    stderr: partial.stderr ?? process.stderr,
    cwd: partial.cwd ?? process.cwd(),
    env: partial.env ?? process.env,
    signal: partial.signal ?? new AbortController().signal,
  };
  const json = argv.includes('--json');
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  try {
    return await dispatch(argv, io, json);
  } catch (error) {
    return reportError(error, io, { json, verbose });
  }
}

async function dispatch(argv: string[], io: MainIO, json: boolean): Promise<number> {
  const { path, node, rest } = resolveCommand(argv, commands);

  if (path.length === 0) {
    if (rest.includes('--version') || rest.includes('-V')) {
      write(io.stdout, json ? JSON.stringify({ version: cliVersion() }) : `cairn ${cliVersion()}`);
      return ExitCode.ok;
    }
    const unknown = rest.find((a) => !a.startsWith('-'));
    if (unknown) throw usageError(`unknown command '${unknown}'`, "see 'cairn --help'");
    write(io.stdout, rootHelp(commands, GLOBAL_OPTIONS));
    return rest.includes('--help') || rest.includes('-h') ? ExitCode.ok : ExitCode.usage;
  }
  if (isGroup(node)) {
    const unknown = rest.find((a) => !a.startsWith('-'));
    if (unknown) {
      throw usageError(
        `unknown command 'cairn ${path.join(' ')} ${unknown}'`,
        `see 'cairn ${path.join(' ')} --help'`,
      );
    }
    write(io.stdout, rootHelp((node as CommandGroup).subcommands, GLOBAL_OPTIONS, path));
    return rest.includes('--help') || rest.includes('-h') ? ExitCode.ok : ExitCode.usage;
  }

  const command = await node.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    write(io.stdout, commandHelp(command, GLOBAL_OPTIONS));
    return ExitCode.ok;
  }
  const { options, positionals } = parseCommandArgs(command, rest);
  const cwd = options.cd === undefined ? io.cwd : resolve(io.cwd, options.cd);
  const quiet = options.quiet === true;
  const progressMode =
    io.env.CAIRN_PROGRESS === 'ndjson'
      ? 'ndjson'
      : json || quiet || !io.stderr.isTTY || io.env.CI
        ? 'silent'
        : 'tty';
  const progress = createProgress(io.stderr, progressMode);
  try {
    const result = await command.run({
      options,
      positionals,
      cwd,
      json,
      quiet,
      verbose: options.verbose === true,
      env: io.env,
      stdout: io.stdout,
      stderr: io.stderr,
      onProgress: progress.listener,
      signal: io.signal,
    });
    progress.stop();
    if (json) write(io.stdout, JSON.stringify(result.data, null, 2));
    else if (!quiet && result.text) write(io.stdout, result.text);
    return result.exitCode ?? ExitCode.ok;
  } finally {
    progress.stop();
  }
}

/** Walks the leading non-option words of argv down the command tree. */
export function resolveCommand(
  argv: string[],
  tree: CommandTree,
): { path: string[]; node: CommandTree[string] | CommandGroup; rest: string[] } {
  const path: string[] = [];
  const rest: string[] = [];
  let current: CommandTree = tree;
  let node: CommandTree[string] | undefined;
  let takingWords = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (takingWords && !arg.startsWith('-')) {
      const next = current[arg];
      if (next) {
        path.push(arg);
        node = next;
        if (isGroup(next)) current = next.subcommands;
        else takingWords = false;
        continue;
      }
      takingWords = false;
    }
    // `--cd <dir>` may come before the command name.
    if (takingWords && arg === '--cd' && i + 1 < argv.length) {
      rest.push(arg, argv[++i] as string);
      continue;
    }
    rest.push(arg);
  }
  return { path, node: node ?? { summary: '', subcommands: tree }, rest };
}

type GlobalValues = OptionValues<typeof GLOBAL_OPTIONS>;

function parseCommandArgs(
  command: CommandDefinition,
  args: string[],
): { options: OptionValues<OptionsSpec> & GlobalValues; positionals: string[] } {
  const spec: Record<string, OptionSpec> = { ...GLOBAL_OPTIONS, ...command.options };
  const remainder = command.positionals?.some((p) => p.remainder)
    ? args.slice(firstPositional(args, spec))
    : [];
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: args.slice(0, args.length - remainder.length),
      options: Object.fromEntries(
        Object.entries(spec).map(([name, o]) => [
          name,
          {
            type: o.type,
            ...(o.short ? { short: o.short } : {}),
            ...(o.type === 'string' && o.multiple ? { multiple: true } : {}),
          },
        ]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw usageError(cleanParseArgsMessage(message), `see 'cairn ${command.name} --help'`);
  }
  const options: Record<string, boolean | string | string[] | undefined> = {};
  for (const [name, o] of Object.entries(spec)) {
    const value = parsed.values[name];
    if (o.type === 'boolean') options[name] = value === true;
    else if (o.multiple) options[name] = Array.isArray(value) ? value.map(String) : [];
    else options[name] = typeof value === 'string' ? value : undefined;
  }
  const positionals = [...parsed.positionals, ...remainder];
  checkPositionals(command, positionals);
  return { options: options as OptionValues<OptionsSpec> & GlobalValues, positionals };
}

/**
 * Index of the first argument that is neither an option nor an option's value (after `--`, the
 * one following it); `args.length` when there is none.
 */
function firstPositional(args: readonly string[], spec: Record<string, OptionSpec>): number {
  const shorts = new Map(Object.values(spec).flatMap((o) => (o.short ? [[o.short, o]] : [])));
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') return i + 1;
    if (arg.startsWith('--')) {
      if (spec[arg.slice(2)]?.type === 'string' && !arg.includes('=')) i++;
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      // A cluster of short flags; a string option takes the rest, or the next argument.
      for (let k = 1; k < arg.length; k++) {
        if (shorts.get(arg[k] as string)?.type !== 'string') continue;
        if (k === arg.length - 1) i++;
        break;
      }
      continue;
    }
    return i;
  }
  return args.length;
}

function checkPositionals(command: CommandDefinition, positionals: string[]): void {
  const specs = command.positionals ?? [];
  const required = specs.filter((p) => p.required).length;
  const variadic = specs.some((p) => p.variadic);
  const hint = `see 'cairn ${command.name} --help'`;
  if (positionals.length < required) {
    const missing = specs.filter((p) => p.required)[positionals.length];
    throw usageError(`missing argument <${missing?.name ?? 'arg'}>`, hint);
  }
  if (!variadic && positionals.length > specs.length) {
    throw usageError(`unexpected argument '${positionals[specs.length]}'`, hint);
  }
}

function cleanParseArgsMessage(message: string): string {
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option '${unknown[1]}'`;
  const missing = /^Option '([^']+)' argument missing/.exec(message);
  if (missing) return `option '${missing[1]}' needs a value`;
  return message.split('. ')[0]?.replace(/^Option/, 'option') ?? message;
}

function reportError(
  error: unknown,
  io: MainIO,
  { json, verbose }: { json: boolean; verbose: boolean },
): number {
  const interrupted = io.signal.aborted;
  if (isCairnError(error)) {
    if (json) write(io.stdout, JSON.stringify({ error: error.toJSON() }, null, 2));
    else {
      write(io.stderr, `error: ${error.message}${error.hint ? `\nhint: ${error.hint}` : ''}`);
    }
    if (verbose) write(io.stderr, describeCauses(error));
    return interrupted ? ExitCode.interrupted : error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (interrupted) {
    write(io.stderr, 'interrupted');
    return ExitCode.interrupted;
  }
  if (json) {
    write(io.stdout, JSON.stringify({ error: { code: 'CAIRN_UNEXPECTED', message } }, null, 2));
  } else write(io.stderr, `error: unexpected: ${message}`);
  if (verbose) write(io.stderr, describeCauses(error));
  else if (!json) write(io.stderr, 'hint: run again with --verbose for the stack trace');
  return ExitCode.failure;
}

function describeCauses(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 8; depth++) {
    parts.push(current instanceof Error ? (current.stack ?? current.message) : String(current));
    current = current instanceof Error ? current.cause : undefined;
    if (current !== undefined) parts.push('caused by:');
  }
  return parts.join('\n');
}

function write(stream: Writable, text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}
