import { relative, resolve } from 'node:path';
import { verifyManifest } from '@cairn/manifests';
import { defineCommand } from '../command.js';
import { plural, verificationText } from '../verification-text.js';

export default defineCommand({
  name: 'manifest verify',
  summary: 'Check that every input and output of a manifest is present and unchanged.',
  description:
    'Every output (relative to the manifest) and input (relative to its inputs_root) must exist\n' +
    'with the recorded size and sha256, and the manifest folder must hold no file it does not name.',
  options: {
    'skip-inputs': {
      type: 'boolean',
      description: 'Check outputs only (inputs may change later).',
    },
    'skip-extras': {
      type: 'boolean',
      description: 'Do not report files the manifest does not name.',
    },
  },
  positionals: [
    { name: 'path', description: 'A manifest.json, or the folder holding one.', required: true },
  ],
  exitCodes: { 1: 'a file is missing, changed or extra (or the manifest is unreadable)' },
  examples: ['cairn manifest verify runs/mnist/20261125T101502Z/train --json'],
  async run({ positionals, cwd, options, onProgress, signal }) {
    const path = resolve(cwd, positionals[0] as string);
    const result = await verifyManifest(path, {
      inputs: !options['skip-inputs'],
      extras: !options['skip-extras'],
      onProgress,
      signal,
    });
    const { checked } = result;
    const shown = relative(cwd, result.manifestPath) || result.manifestPath;
    const ok = `${plural(checked.outputs, 'output')} and ${plural(checked.inputs, 'input')} match ${shown}`;
    return {
      data: {
        ok: result.ok,
        manifestPath: result.manifestPath,
        checked,
        problems: result.problems,
      },
      text: verificationText(result.problems, ok, shown),
      exitCode: result.ok ? 0 : 1,
    };
  },
});
