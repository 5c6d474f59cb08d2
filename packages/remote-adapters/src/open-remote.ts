import type { RemoteDriver, RemoteSection } from '@cairn/types';
import type { OpenRemoteOptions } from './context.js';
import { remoteSchemeOf } from './options.js';

/**
 * Opens the driver for one remote section (the merged `.dvc/config` + `.dvc/config.local`
 * `['remote "<name>"']` section, DVC's option names). The driver is picked by the URL's scheme,
 * and each cloud SDK is imported only when its scheme is opened.
 *
 * Throws `CAIRN_REMOTE_CONFIG` for an unsupported scheme, an unknown option or a bad value.
 */
export async function openRemote(
  name: string,
  section: RemoteSection,
  options: OpenRemoteOptions,
): Promise<RemoteDriver> {
  const scheme = remoteSchemeOf(name, String(section.url));
  switch (scheme) {
    case 'local':
      return (await import('./local/index.js')).createLocalRemote(name, section, options);
    case 'http':
    case 'https':
      return (await import('./http/index.js')).createHttpRemote(name, section, options);
    case 's3':
      return (await import('./s3/index.js')).createS3Remote(name, section, options);
    case 'gs':
      return (await import('./gcs/index.js')).createGcsRemote(name, section, options);
    case 'azure':
      return (await import('./azure/index.js')).createAzureRemote(name, section, options);
  }
}
