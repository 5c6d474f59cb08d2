import { CairnError, type RemoteDriver, type RemoteSection } from '@cairn/types';
import type { OpenRemoteOptions } from '../context.js';

/** Placeholder until the driver lands. */
export async function createS3Remote(
  name: string,
  _section: RemoteSection,
  _options: OpenRemoteOptions,
): Promise<RemoteDriver> {
  throw new CairnError('CAIRN_REMOTE_UNSUPPORTED', `remote "${name}": driver not implemented yet`);
}
