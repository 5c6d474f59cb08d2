/** Help texts generated from the command definitions. */
import type { CommandDefinition, OptionSpec, OptionsSpec } from './command.js';
import { type CommandTree, isGroup } from './registry.js';

const COMMON_EXIT_CODES: Record<number, string> = {
  0: 'success',
  1: 'failure (the message says what failed)',
  2: 'usage error (unknown command or flag, missing argument)',
  130: 'interrupted (SIGINT/SIGTERM)',
};

export function rootHelp(tree: CommandTree, globals: OptionsSpec, parents: string[] = []): string {
  const prefix = ['cairn', ...parents].join(' ');
  const names = Object.keys(tree);
  const width = Math.max(...names.map((n) => n.length)) + 2;
  const lines = [
    `Usage: ${prefix} <command> [options]`,
    '',
    parents.length === 0
      ? 'Cairn: reproducible ML data, models and pipelines. Reads and writes DVC 3 repositories.'
      : '',
    '',
    'Commands:',
    ...names.map((name) => {
      const node = tree[name];
      const summary = node ? node.summary : '';
      const suffix = node && isGroup(node) ? ` (${Object.keys(node.subcommands).join(', ')})` : '';
      return `  ${name.padEnd(width)}${summary}${suffix}`;
    }),
    '',
    'Global options:',
    ...optionLines(globals),
    ...(parents.length === 0 ? ['  -V, --version         Print the version.'] : []),
    '',
    'Exit codes:',
    ...exitCodeLines(COMMON_EXIT_CODES),
    '',
    `Run '${prefix} <command> --help' for a command's options.`,
  ];
  return lines.filter((l, i) => !(l === '' && lines[i - 1] === '')).join('\n');
}

export function commandHelp(command: CommandDefinition, globals: OptionsSpec): string {
  const positionals = (command.positionals ?? []).map((p) => {
    const name = `<${p.name}>${p.variadic ? '...' : ''}`;
    return p.required ? name : `[${name}]`;
  });
  const lines = [
    `Usage: cairn ${command.name} [options]${positionals.length ? ` ${positionals.join(' ')}` : ''}`,
    '',
    command.summary,
  ];
  if (command.description) lines.push('', command.description);
  if (command.positionals?.length) {
    const width = Math.max(...command.positionals.map((p) => p.name.length)) + 4;
    lines.push('', 'Arguments:');
    for (const p of command.positionals)
      lines.push(`  ${`<${p.name}>`.padEnd(width)}${p.description}`);
  }
  if (Object.keys(command.options).length)
    lines.push('', 'Options:', ...optionLines(command.options));
  lines.push('', 'Global options:', ...optionLines(globals));
  lines.push('', 'Exit codes:', ...exitCodeLines({ ...COMMON_EXIT_CODES, ...command.exitCodes }));
  if (command.examples?.length)
    lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}

function optionLines(options: OptionsSpec): string[] {
  const rows = Object.entries(options).map(([name, o]) => [flagText(name, o), o.description]);
  const width = Math.max(22, ...rows.map(([flag]) => (flag?.length ?? 0) + 2));
  return rows.map(([flag, description]) => `  ${(flag ?? '').padEnd(width)}${description}`);
}

function flagText(name: string, option: OptionSpec): string {
  const short = option.short ? `-${option.short}, ` : '    ';
  const value = option.type === 'string' ? ` ${option.valueName ?? '<value>'}` : '';
  const repeat = option.type === 'string' && option.multiple ? ' (repeatable)' : '';
  return `${short}--${name}${value}${repeat}`;
}

function exitCodeLines(codes: Record<number, string>): string[] {
  return Object.entries(codes)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([code, text]) => `  ${code.padEnd(5)}${text}`);
}
