// Bundles the built CLI (dist/) and the workspace packages it uses into bin/: one module graph
// instead of hundreds of files to resolve and load, which is most of a short command's time.
// The cloud SDKs stay external (they are loaded only by the remote a command opens); the hash
// worker is an entry of its own, next to the chunk that starts it (`./hash-worker.js`).
// Chunks sit directly in bin/ so `../package.json` from any of them is this package's.
import { chmod } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { rolldown } from 'rolldown';

const require = createRequire(import.meta.url);
const coreIoDist = dirname(require.resolve('@cairn/core-io'));

const bundle = await rolldown({
  input: { cairn: 'dist/bin.js', 'hash-worker': join(coreIoDist, 'hash-worker.js') },
  platform: 'node',
  external: [/^node:/, /^@aws-sdk\//, /^@azure\//, /^@google-cloud\//, /^@smithy\//],
});
await bundle.write({
  dir: 'bin',
  format: 'esm',
  entryFileNames: '[name].js',
  chunkFileNames: '[name]-[hash].js',
  // Less source for V8 to parse at every start (~8 ms of a short command); names are kept, so
  // `--verbose` stack traces stay readable.
  minify: { compress: true, mangle: false, codegen: { removeWhitespace: true } },
});
await bundle.close();
await chmod('bin/cairn.js', 0o755);
