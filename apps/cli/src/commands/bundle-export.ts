import { relative, resolve } from 'node:path';
import { exportBundle } from '@cairn/manifests';
import { usageError } from '@cairn/types';
import { defineCommand } from '../command.js';
import { plural } from '../verification-text.js';

export default defineCommand({
  name: 'bundle export',
  summary: 'Copy the outputs of step manifests into a new, verifiable bundle folder.',
  description:
    'Writes <out>/bundle.json (artifacts with sha256 and size), manifests/<step>.json and\n' +
    'artifacts/<step>/<output>. Each output is checked against its manifest while it is copied;\n' +
    'the bundle is built beside <out> and renamed into place, and an existing <out> is refused.',
  options: {
    out: {
      type: 'string',
      short: 'o',
      valueName: '<dir>',
      description: 'The bundle folder to create (required; must not exist).',
    },
    name: {
      type: 'string',
      valueName: '<name>',
      description: 'Bundle name (default: folder name).',
    },
  },
  positionals: [
    {
      name: 'manifest',
      description: 'Manifests (or step folders) to export.',
      required: true,
      variadic: true,
    },
  ],
  examples: ['cairn bundle export runs/mnist/20261125T101502Z/train -o dist/mnist-v1'],
  async run({ positionals, cwd, options, onProgress, signal }) {
    if (options.out === undefined) {
      throw usageError('missing --out <dir>', "see 'cairn bundle export --help'");
    }
    const result = await exportBundle({
      manifests: positionals.map((p) => resolve(cwd, p)),
      out: resolve(cwd, options.out),
      ...(options.name === undefined ? {} : { name: options.name }),
      onProgress,
      signal,
    });
    const { index } = result;
    const shown = relative(cwd, result.dir) || result.dir;
    return {
      data: result,
      text: `Exported ${plural(index.artifacts.length, 'artifact')} from ${plural(index.manifests.length, 'manifest')} to ${shown}`,
    };
  },
});
