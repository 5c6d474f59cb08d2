// Public API of @cairn/emulators: explicit named exports only.

import { AZURITE_ACCOUNT, AZURITE_KEY } from './constants.js';
import { type Emulator, type EmulatorOptions, startEmulator } from './emulator.js';

export { Crc32c } from './crc32c.js';
export type { Emulator, EmulatorOptions } from './emulator.js';
export type { FaultOptions, FaultStats } from './faults.js';
export { scratchDir } from './scratch.js';

/** The bucket (or container) every emulator starts with. */
export const TEST_BUCKET = 'cairn';

/** S3 (s3rver 3.7, in a child process), bucket `cairn`, credentials `S3RVER` / `S3RVER`. */
export async function startS3(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ kind: 's3', bucket: TEST_BUCKET, ...options }, (endpoint) => ({
    url: `s3://${TEST_BUCKET}`,
    config: {
      endpointurl: endpoint,
      region: 'us-east-1',
      access_key_id: 'S3RVER',
      secret_access_key: 'S3RVER',
    },
  }));
}

/** Azure Blob (azurite's blob service), container `cairn`, the well-known dev account. */
export async function startAzurite(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ kind: 'azure', bucket: TEST_BUCKET, ...options }, (endpoint) => ({
    url: `azure://${TEST_BUCKET}`,
    config: {
      connection_string: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${endpoint}/${AZURITE_ACCOUNT};`,
    },
  }));
}

/** The GCS JSON API double (see gcs-server.ts), bucket `cairn`, no auth. */
export async function startGcs(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ kind: 'gcs', bucket: TEST_BUCKET, ...options }, (endpoint) => ({
    url: `gs://${TEST_BUCKET}`,
    config: { endpointurl: endpoint, projectname: 'cairn-test' },
  }));
}

/** A DVC HTTP remote (GET/HEAD/PUT/POST/DELETE on files), with basic auth when `user` is given. */
export async function startHttpRemote(
  options: EmulatorOptions & { user?: string; password?: string } = {},
): Promise<Emulator> {
  const { user, password, ...rest } = options;
  return startEmulator(
    {
      kind: 'http',
      ...(user === undefined ? {} : { user }),
      ...(password === undefined ? {} : { password }),
      ...rest,
    },
    (endpoint) => ({
      url: `${endpoint}/dvc`,
      config:
        user === undefined
          ? {}
          : { auth: 'basic', user, ...(password === undefined ? {} : { password }) },
    }),
  );
}
