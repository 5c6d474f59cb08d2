import { relative, resolve } from 'node:path';
import { verifyBundle } from '@cairn/manifests';
import { defineCommand } from '../command.js';
import { plural, verificationText } from '../verification-text.js';

export default defineCommand({
  name: 'bundle verify',
  summary: 'Check a bundle: every file listed, intact, inside the bundle, and nothing else.',
  options: {},
  positionals: [{ name: 'dir', description: 'The bundle folder.', required: true }],
  exitCodes: { 1: 'a file is missing, changed, extra or escapes the bundle' },
  examples: ['cairn bundle verify dist/mnist-v1'],
  async run({ positionals, cwd, onProgress, signal }) {
    const dir = resolve(cwd, positionals[0] as string);
    const result = await verifyBundle(dir, { onProgress, signal });
    const shown = relative(cwd, dir) || dir;
    const { artifacts, manifests } = result.checked;
    return {
      data: result,
      text: verificationText(
        result.problems,
        `${plural(artifacts, 'artifact')} and ${plural(manifests, 'manifest')} match ${shown}/bundle.json`,
        shown,
      ),
      exitCode: result.ok ? 0 : 1,
    };
  },
});
