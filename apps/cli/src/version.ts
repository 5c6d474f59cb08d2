import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The version of the installed `@cairn/cli` package (read once from its package.json). */
export function cliVersion(): string {
  if (cached === undefined) {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    cached = pkg.version;
  }
  return cached;
}
