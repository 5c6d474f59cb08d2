import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { HashPool } from '@cairn/core-io';
import { scratchDir } from '@cairn/emulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRemote } from '../src/index.js';
import { describeRemoteConformance } from '../src/testing/index.js';
import { describeTransfers } from './support/transfer-suite.js';

let base: string;
const pool = new HashPool();
beforeAll(async () => {
  base = await mkdtemp(join(scratchDir(), 'cairn-local-remote-'));
});
afterAll(async () => {
  await pool.close();
  await rm(base, { recursive: true, force: true });
});

describeRemoteConformance({
  name: 'local directory',
  open: (root) => openRemote(join(base, root), { name: 'storage' }),
});

describe('local remote specifics', () => {
  it('resolves a relative url against the config file folder, and file:// urls', async () => {
    const driver = await openRemote('../store', { cwd: join(base, 'repo', '.dvc') });
    expect(driver.displayUrl).toBe(join(base, 'repo', 'store'));
    const viaFileUrl = await openRemote(`file://${join(base, 'x')}`, { cwd: '/' });
    expect(viaFileUrl.displayUrl).toBe(join(base, 'x'));
  });

  it('stores objects read-only (0444) in the DVC layout and leaves no temp files', async () => {
    const driver = await openRemote(join(base, 'layout'));
    await driver.write('files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8', Buffer.from('foo'));
    const file = join(base, 'layout', 'files', 'md5', 'ac', 'bd18db4cc2f85cedef654fccc4a4d8');
    expect((await stat(file)).mode & 0o777).toBe(0o444);
    // Overwriting a read-only object works (rename replaces it).
    await driver.write('files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8', Buffer.from('foo'));
    expect(await readdir(join(base, 'layout', 'files', 'md5', 'ac'))).toEqual([
      'bd18db4cc2f85cedef654fccc4a4d8',
    ]);
  });

  it('rejects options DVC does not know for a local remote', async () => {
    await expect(
      openRemote('/tmp/x', { name: 'storage', config: { endpointurl: 'http://x' } }),
    ).rejects.toMatchObject({
      code: 'CAIRN_REMOTE_CONFIG',
      message: expect.stringContaining('unknown option "endpointurl"'),
    });
  });
});

describeTransfers({
  name: 'local directory',
  open: (root) => openRemote(join(base, root), { name: 'storage' }),
});

// The same suite with small objects copied in bulk on the hash threads (what the repository
// passes for a local remote): corrupt, missing and large objects fall back to the path above.
describeTransfers({
  name: 'local directory, bulk copies on a hash pool',
  open: (root) => openRemote(join(base, `bulk-${root}`), { name: 'storage' }),
  pool,
});
