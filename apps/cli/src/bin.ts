#!/usr/bin/env node
/**
 * The `cairn` binary. SIGINT/SIGTERM abort the running command (exit 130); a second signal exits
 * at once. Commands write atomically, so an interrupt never leaves a half-written file.
 */
import { main } from './main.js';

const controller = new AbortController();
const onSignal = (): void => {
  if (controller.signal.aborted) process.exit(130);
  controller.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  // `cairn ... | head` closes the pipe early; that is not a failure.
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2), { signal: controller.signal }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
