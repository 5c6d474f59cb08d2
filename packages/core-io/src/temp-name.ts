import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** Every temporary file Cairn creates ends with this, so leftovers are easy to find and clean. */
export const TEMP_SUFFIX = '.cairn-tmp';

// Keeps `.<name>.<pid>.<random>.cairn-tmp` under the usual 255-byte name limit.
const MAX_BASE_LENGTH = 120;

/**
 * A temporary path in the same folder as `target` (so a rename onto it stays on one filesystem):
 * `.<basename>.<pid>.<random>.cairn-tmp`. The pid lets `cleanStaleTemps` tell live from dead.
 */
export function tempPathFor(target: string): string {
  const base = basename(target).slice(0, MAX_BASE_LENGTH);
  const unique = `${processToken}${(++counter).toString(36)}`;
  return join(dirname(target), `.${base}.${process.pid}.${unique}${TEMP_SUFFIX}`);
}

// A random token per process plus a counter: unique names without a CSPRNG call per file (that
// call showed up in profiles of 20,000-object transfers). Exclusive opens (`wx`) catch the rest.
const processToken = randomBytes(4).toString('hex');
let counter = 0;

/** The pid recorded in a temporary file's name, or undefined when the name is not one of ours. */
export function tempNamePid(name: string): number | undefined {
  if (!name.endsWith(TEMP_SUFFIX)) return undefined;
  const parts = name.slice(0, -TEMP_SUFFIX.length).split('.');
  const pidText = parts[parts.length - 2];
  if (parts.length < 4 || pidText === undefined || !/^[1-9][0-9]*$/.test(pidText)) {
    return undefined;
  }
  return Number(pidText);
}
