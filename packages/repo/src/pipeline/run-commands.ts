/**
 * Runs a stage's commands through the shell in its working directory, one after the other,
 * stopping at the first failure, as `dvc repro` does.
 */
import type { Writable } from 'node:stream';
import { CairnError } from '@cairn/types';

export interface CommandOutput {
  /** Where the commands' output goes; undefined: inherited from this process. */
  stdout?: Writable;
  stderr?: Writable;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

export async function runCommands(
  stageName: string,
  commands: readonly string[],
  cwd: string,
  output: CommandOutput,
): Promise<void> {
  // Loaded here, not at the top: only `repro` runs commands, and every other command would pay
  // for loading execa's module graph.
  const { execa } = await import('execa');
  for (const command of commands) {
    const piped = output.stdout !== undefined || output.stderr !== undefined;
    const child = execa(command, {
      shell: true,
      cwd,
      reject: false,
      stdin: 'inherit',
      stdout: piped ? 'pipe' : 'inherit',
      stderr: piped ? 'pipe' : 'inherit',
      buffer: false,
      ...(output.env ? { env: output.env, extendEnv: false } : {}),
      ...(output.signal ? { cancelSignal: output.signal } : {}),
    });
    if (piped) {
      child.stdout?.on('data', (chunk: Buffer) => (output.stdout ?? output.stderr)?.write(chunk));
      child.stderr?.on('data', (chunk: Buffer) => (output.stderr ?? output.stdout)?.write(chunk));
    }
    const result = await child;
    if (result.exitCode !== 0 || result.failed) {
      const why =
        result.exitCode !== undefined
          ? `exited with ${result.exitCode}`
          : `was stopped (${result.signal ?? 'cancelled'})`;
      throw new CairnError(
        'CAIRN_STAGE_FAILED',
        `failed to reproduce '${stageName}': command '${command}' ${why}`,
        {
          hint: 'fix the command or its inputs, then run `cairn repro` again',
          details: { stage: stageName, command, exitCode: result.exitCode },
        },
      );
    }
  }
}
