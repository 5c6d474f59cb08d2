#!/usr/bin/env node
// Scaffolds a workspace package with the shared layout, so every package starts identical:
//   node tooling/scripts/new-package.mjs packages/cache "Content-addressed object store."
// Writes package.json, tsconfig.json, tsconfig.build.json, vitest.config.ts, src/index.ts, README.md.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

const [dir, description = ''] = process.argv.slice(2);
if (!dir) {
  console.error('usage: new-package.mjs <packages/name|apps/name> "<description>"');
  process.exit(2);
}
if (existsSync(join(dir, 'package.json'))) {
  console.error(`${dir}/package.json already exists`);
  process.exit(1);
}
const name = `@cairn/${basename(dir)}`;
const configs = relative(dir, 'configs');
const write = (file, text) => {
  mkdirSync(join(dir, file, '..'), { recursive: true });
  writeFileSync(join(dir, file), text);
};

write(
  'package.json',
  `${JSON.stringify(
    {
      name,
      version: '0.1.0',
      description,
      license: 'Apache-2.0',
      type: 'module',
      exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
      types: './dist/index.d.ts',
      files: ['dist', 'README.md'],
      sideEffects: false,
      engines: { node: '>=20.19' },
      publishConfig: { access: 'public' },
      scripts: {
        build: 'rm -rf dist && tsc -p tsconfig.build.json',
        typecheck: 'tsc -p tsconfig.json',
        lint: 'biome check .',
        test: 'vitest run',
      },
      dependencies: {},
      devDependencies: {
        '@cairn/configs': 'workspace:*',
        '@types/node': 'catalog:',
        typescript: 'catalog:',
        vitest: 'catalog:',
      },
    },
    null,
    2,
  )}\n`,
);
write(
  'tsconfig.json',
  `${JSON.stringify(
    {
      extends: `${configs}/tsconfig.base.json`,
      compilerOptions: { noEmit: true },
      include: ['src', 'test', '*.ts'],
    },
    null,
    2,
  )}\n`,
);
write(
  'tsconfig.build.json',
  `${JSON.stringify(
    {
      extends: './tsconfig.json',
      compilerOptions: { noEmit: false, rootDir: 'src', outDir: 'dist' },
      include: ['src'],
      exclude: ['src/**/*.test.ts', 'src/__fixtures__'],
    },
    null,
    2,
  )}\n`,
);
write(
  'vitest.config.ts',
  `import base from '@cairn/configs/vitest';
import { defineConfig, mergeConfig } from 'vitest/config';

export default mergeConfig(base, defineConfig({}));
`,
);
write('src/index.ts', `// Public API of ${name}: explicit named exports only.\nexport {};\n`);
write('README.md', `# ${name}\n\n${description}\n`);
console.log(`created ${name} in ${dir}`);
