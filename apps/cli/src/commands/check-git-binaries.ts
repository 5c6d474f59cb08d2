import { findGitRoot } from '@cairn/core-io';
import { checkGitBinaries, DEFAULT_BINARY_EXTENSIONS, parseSize } from '@cairn/pipeline';
import { CairnError } from '@cairn/types';
import { defineCommand } from '../command.js';
import { formatBytes } from '../progress.js';

export default defineCommand({
  name: 'check-git-binaries',
  summary: 'List files committed to git that belong in DVC (models, arrays, archives, big files).',
  description:
    'Checks every file git tracks (`git ls-files`): a file with a data/artifact extension, or\n' +
    'larger than --max-size, is listed, and the command exits 1 — use it in CI or a pre-commit\n' +
    `hook. Default extensions: ${DEFAULT_BINARY_EXTENSIONS.join(' ')}.\n` +
    'Settings are flags only: DVC rejects unknown keys in .dvc/config, so Cairn keeps its own\n' +
    'settings out of it.',
  options: {
    'max-size': {
      type: 'string',
      valueName: '<size>',
      description: 'List files larger than this (default 1MB; K/M/G are powers of 1024).',
    },
    ext: {
      type: 'string',
      multiple: true,
      valueName: '<.ext,...>',
      description: 'Extensions to list, replacing the defaults (repeatable, comma-separated).',
    },
  },
  exitCodes: { 1: 'some tracked files look like data or artifacts' },
  examples: [
    'cairn check-git-binaries',
    'cairn check-git-binaries --max-size 500KB --ext .pt,.onnx',
  ],
  async run({ options, cwd }) {
    const root = await findGitRoot(cwd);
    if (!root) {
      throw new CairnError('CAIRN_NOT_A_GIT_REPO', `${cwd} is not inside a git repository`, {
        hint: 'run it inside the git work tree to check',
      });
    }
    const maxSize = parseSize(options['max-size'] ?? '1MB');
    const extensions =
      options.ext.length > 0
        ? options.ext
            .flatMap((e) => e.split(','))
            .map((e) => e.trim())
            .filter(Boolean)
        : [...DEFAULT_BINARY_EXTENSIONS];
    const files = await checkGitBinaries({ root, maxSize, extensions });
    const data = { files, maxSize, extensions };
    if (files.length === 0) {
      return { data, text: 'No data or artifact files are tracked by git.' };
    }
    const width = Math.max(...files.map((f) => f.path.length));
    const lines = files.map(
      (f) => `${f.path.padEnd(width)}  ${formatBytes(f.size).padStart(9)}  ${f.reasons.join(', ')}`,
    );
    const n = files.length;
    lines.push(
      '',
      `${n} file${n === 1 ? '' : 's'} tracked by git look${n === 1 ? 's' : ''} like data or artifacts.`,
      'hint: move them to DVC: git rm --cached <file> && cairn add <file>',
    );
    return { data, text: lines.join('\n'), exitCode: 1 };
  },
});
