import { CairnError, type RemoteDriver } from '@cairn/types';
import type { DriverContext } from '../context.js';

/** Placeholder until the driver lands. */
export async function createHttpRemote(context: DriverContext): Promise<RemoteDriver> {
  throw new CairnError('CAIRN_REMOTE_UNSUPPORTED', `remote "${context.name}": not implemented yet`);
}
