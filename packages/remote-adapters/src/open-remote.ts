import type { RemoteDriver } from '@cairn/types';
import type { DriverContext, OpenRemoteOptions } from './context.js';
import { remoteSchemeOf } from './options.js';
import { resolveRetryPolicy } from './retry.js';
import { DEFAULT_STALL_TIMEOUT_MS } from './stall.js';

/**
 * Opens the driver for a remote URL, picked by its scheme: a local path or `file://`, `s3://`,
 * `gs://`, `azure://`, `http://` or `https://`. `options.config` carries the rest of the DVC
 * remote section. Each cloud SDK is imported only when its scheme is opened, so a user of a local
 * remote never loads one.
 *
 * Throws `CAIRN_REMOTE_CONFIG` for an unsupported scheme, an unknown option or a bad value.
 */
export async function openRemote(
  url: string,
  options: OpenRemoteOptions = {},
): Promise<RemoteDriver> {
  const name = options.name ?? 'remote';
  const scheme = remoteSchemeOf(name, url);
  const stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  if (!(stallTimeoutMs > 0)) {
    throw new RangeError(`stallTimeoutMs must be a positive number, got ${stallTimeoutMs}`);
  }
  const context: DriverContext = {
    name,
    url,
    section: { ...options.config, url },
    cwd: options.cwd ?? process.cwd(),
    policy: resolveRetryPolicy(options.retry),
    env: options.env ?? process.env,
    stallTimeoutMs,
  };
  switch (scheme) {
    case 'local':
      return (await import('./local/index.js')).createLocalRemote(context);
    case 'http':
    case 'https':
      return (await import('./http/index.js')).createHttpRemote(context);
    case 's3':
      return (await import('./s3/index.js')).createS3Remote(context);
    case 'gs':
      return (await import('./gcs/index.js')).createGcsRemote(context);
    case 'azure':
      return (await import('./azure/index.js')).createAzureRemote(context);
  }
}
