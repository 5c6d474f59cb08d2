/** `cairn freeze` and `cairn unfreeze`: one definition, two directions. */
import { Repo } from '@cairn/repo';
import { defineCommand } from './command.js';

export function freezeCommand(frozen: boolean) {
  const verb = frozen ? 'freeze' : 'unfreeze';
  return defineCommand({
    name: verb,
    summary: frozen
      ? 'Freeze stages or .dvc files: repro leaves them alone (dvc freeze).'
      : 'Unfreeze stages or .dvc files (dvc unfreeze).',
    description: frozen
      ? "Writes frozen: true into each stage's entry in dvc.yaml (or into the .dvc file), as\n" +
        '`dvc freeze` does; `cairn repro` then skips it. Only that line changes.'
      : 'Removes the frozen: true that `cairn freeze` wrote, so `cairn repro` runs the stage again\n' +
        'when it changes. Only that line changes.',
    options: {},
    positionals: [
      {
        name: 'targets',
        description: 'Stages (name, dvc.yaml:name) or .dvc files.',
        required: true,
        variadic: true,
      },
    ],
    examples: [`cairn ${verb} train`, `cairn ${verb} data.dvc`],
    async run({ positionals, cwd, env, onProgress, signal }) {
      const repo = Repo.open(cwd, { env });
      const options = { cwd, onProgress, signal };
      const stages = await (frozen
        ? repo.freeze(positionals, options)
        : repo.unfreeze(positionals, options));
      return { data: { stages } };
    },
  });
}
