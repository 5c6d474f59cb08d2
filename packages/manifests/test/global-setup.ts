/**
 * The kill and multi-process tests run the compiled package in child processes (which cannot load
 * TypeScript): compile `dist/` when a source is newer than it, e.g. under a bare `vitest run`.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const pkg = fileURLToPath(new URL('..', import.meta.url));

export default function setup(): void {
  const builtAt = statSync(`${pkg}dist/index.js`, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const stale = readdirSync(`${pkg}src`, { recursive: true, encoding: 'utf8' }).some(
    (name) =>
      name.endsWith('.ts') &&
      !name.endsWith('.test.ts') &&
      statSync(`${pkg}src/${name}`).mtimeMs > builtAt,
  );
  if (stale)
    execFileSync(`${pkg}node_modules/.bin/tsc`, ['-p', 'tsconfig.build.json'], { cwd: pkg });
}
