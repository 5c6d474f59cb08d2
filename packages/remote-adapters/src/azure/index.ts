import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  AnonymousCredential,
  BlobServiceClient,
  type ContainerClient,
  type StoragePipelineOptions,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import type {
  RemoteBody,
  RemoteCallOptions,
  RemoteDriver,
  RemoteListEntry,
  RemoteObjectInfo,
  RemoteWriteOptions,
} from '@cairn/types';
import { chunkedUpload } from '../chunked-upload.js';
import { type DriverContext, defaultJobsFor } from '../context.js';
import { DriverKit } from '../driver-kit.js';
import { type Failure, RemoteErrorCode, remoteError } from '../errors.js';
import { joinKey, keyUnder, trimSlashes } from '../keys.js';
import { type AzureOptions, parseRemoteOptions } from '../options.js';
import { Redactor } from '../redact.js';
import { isTransientNetworkError, isTransientStatus } from '../retry.js';
import { resilientRead } from '../streams.js';

const MiB = 1 << 20;
const BLOCK_SIZE = 8 * MiB;
const MAX_BLOCKS = 50_000;
const BLOCK_CONCURRENCY = 4;
const LIST_PAGE = 5000;

const NOT_FOUND = new Set(['BlobNotFound', 'ResourceNotFound']);
const AUTH = new Set([
  'AuthenticationFailed',
  'AuthorizationFailure',
  'AuthorizationPermissionMismatch',
  'InsufficientAccountPermissions',
  'AccountIsDisabled',
  'NoAuthenticationInformation',
  'InvalidAuthenticationInfo',
]);
const TRANSIENT = new Set([
  'ServerBusy',
  'OperationTimedOut',
  'InternalError',
  'REQUEST_SEND_ERROR',
  'ECONNRESET',
]);

function classifyAzure(error: unknown): Failure {
  const e = error as { code?: string; statusCode?: number; message?: string; name?: string };
  const code = e?.code ?? e?.name ?? 'Error';
  const status = e?.statusCode;
  const first = (e?.message ?? '').split('\n')[0] ?? '';
  const detail = `${code}${status ? ` (HTTP ${status})` : ''}${first && first !== code ? `: ${first}` : ''}`;
  if (code === 'ContainerNotFound') {
    return { kind: 'config', detail: `the container does not exist (${detail})` };
  }
  if (NOT_FOUND.has(code) || status === 404) return { kind: 'not-found', detail };
  if (AUTH.has(code) || status === 401 || status === 403) return { kind: 'auth', detail };
  if (TRANSIENT.has(code) || isTransientStatus(status) || isTransientNetworkError(error)) {
    return { kind: 'transient', detail };
  }
  return { kind: 'fatal', detail };
}

/** `azure://container/prefix` → container and root prefix. */
export function parseAzureUrl(url: string): { container: string; root: string } {
  const match = /^azure:\/\/([^/]+)(\/.*)?$/i.exec(url);
  return { container: match?.[1] ?? '', root: trimSlashes(decodeURIComponent(match?.[2] ?? '')) };
}

/**
 * Azure Blob Storage through `@azure/storage-blob`. Credentials, first found wins:
 * `connection_string`, `account_name` + `account_key`, `account_name` + `sas_token`,
 * `allow_anonymous_login`; each falls back to DVC's environment variables
 * (`AZURE_STORAGE_CONNECTION_STRING`, `AZURE_STORAGE_ACCOUNT`, `AZURE_STORAGE_KEY`,
 * `AZURE_STORAGE_SAS_TOKEN`). Large objects are uploaded as blocks and appear when the block list
 * is committed.
 */
export async function createAzureRemote(context: DriverContext): Promise<RemoteDriver> {
  const options = parseRemoteOptions(context, 'azure');
  const { container, root } = parseAzureUrl(context.url);
  const env = context.env;
  const connectionString = options.connection_string ?? env.AZURE_STORAGE_CONNECTION_STRING;
  const accountName = options.account_name ?? env.AZURE_STORAGE_ACCOUNT;
  const accountKey = options.account_key ?? env.AZURE_STORAGE_KEY;
  const sasToken = options.sas_token ?? env.AZURE_STORAGE_SAS_TOKEN;
  const keyInString = /AccountKey=([^;]+)/i.exec(connectionString ?? '')?.[1];
  const sasInString = /SharedAccessSignature=([^;]+)/i.exec(connectionString ?? '')?.[1];
  const redactor = new Redactor([connectionString, accountKey, sasToken, keyInString, sasInString]);
  const displayUrl = redactor.redact(context.url);
  const identity = { name: context.name, displayUrl, redactor };
  const kit = new DriverKit(identity, context.policy, classifyAzure);
  const jobs = defaultJobsFor('cloud', options.jobs);
  // Retries happen in the driver, with Cairn's policy, around whole buffered requests.
  const pipeline: StoragePipelineOptions = {
    retryOptions: {
      maxTries: 1,
      tryTimeoutInMs: (options.read_timeout ?? options.timeout ?? 300) * 1000,
    },
    keepAliveOptions: { enable: true },
    userAgentOptions: { userAgentPrefix: 'cairn' },
  };
  let service: BlobServiceClient;
  try {
    service = serviceClient(
      options,
      { connectionString, accountName, accountKey, sasToken },
      pipeline,
    );
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === RemoteErrorCode.config)
      throw error;
    throw remoteError(
      identity,
      RemoteErrorCode.config,
      `invalid Azure credentials: ${(error as Error).message}`,
      {
        hint: 'Check connection_string (or account_name with account_key / sas_token) in .dvc/config.local.',
      },
    );
  }
  return new AzureRemote(
    context.name,
    displayUrl,
    root,
    kit,
    service.getContainerClient(container),
    jobs,
  );

  function serviceClient(
    azure: AzureOptions,
    auth: {
      connectionString?: string | undefined;
      accountName?: string | undefined;
      accountKey?: string | undefined;
      sasToken?: string | undefined;
    },
    pipelineOptions: StoragePipelineOptions,
  ): BlobServiceClient {
    if (auth.connectionString)
      return BlobServiceClient.fromConnectionString(auth.connectionString, pipelineOptions);
    const endpoint = `https://${auth.accountName}.blob.core.windows.net`;
    if (auth.accountName && auth.accountKey) {
      return new BlobServiceClient(
        endpoint,
        new StorageSharedKeyCredential(auth.accountName, auth.accountKey),
        pipelineOptions,
      );
    }
    if (auth.accountName && auth.sasToken) {
      return new BlobServiceClient(
        `${endpoint}?${auth.sasToken.replace(/^\?/, '')}`,
        new AnonymousCredential(),
        pipelineOptions,
      );
    }
    if (auth.accountName && azure.allow_anonymous_login === true) {
      return new BlobServiceClient(endpoint, new AnonymousCredential(), pipelineOptions);
    }
    throw remoteError(
      identity,
      RemoteErrorCode.config,
      'no Azure credentials: none of connection_string, account_name + account_key, account_name + sas_token is set',
      {
        hint: 'Set them with `dvc remote modify --local <name> connection_string …`, or the AZURE_STORAGE_* environment variables.',
      },
    );
  }
}

class AzureRemote implements RemoteDriver {
  readonly scheme = 'azure' as const;
  readonly canList = true;

  constructor(
    readonly name: string,
    readonly displayUrl: string,
    readonly root: string,
    readonly kit: DriverKit,
    readonly container: ContainerClient,
    readonly defaultJobs: number,
  ) {}

  #blob(key: string) {
    this.kit.checkKey(key);
    return this.container.getBlockBlobClient(joinKey(this.root, key));
  }

  async exists(key: string, options?: RemoteCallOptions): Promise<boolean> {
    const signal = options?.signal;
    const blob = this.#blob(key);
    return this.kit.run(
      'check',
      key,
      async () => {
        try {
          await blob.getProperties(signal ? { abortSignal: signal } : {});
          return true;
        } catch (error) {
          if (classifyAzure(error).kind === 'not-found') return false;
          throw error;
        }
      },
      { signal },
    );
  }

  async stat(key: string, options?: RemoteCallOptions): Promise<RemoteObjectInfo> {
    const signal = options?.signal;
    const blob = this.#blob(key);
    return this.kit.run(
      'stat',
      key,
      async () => {
        const properties = await blob.getProperties(signal ? { abortSignal: signal } : {});
        return {
          size: properties.contentLength ?? 0,
          ...(properties.lastModified ? { mtime: properties.lastModified } : {}),
        };
      },
      { signal },
    );
  }

  async *list(prefix: string, options?: RemoteCallOptions): AsyncIterable<RemoteListEntry> {
    const signal = options?.signal;
    const full = this.root === '' ? prefix : `${this.root}/${prefix}`;
    let token: string | undefined;
    do {
      const at = token;
      const page = await this.kit.run(
        'list',
        prefix,
        async () => {
          const pages = this.container
            .listBlobsFlat({ prefix: full, ...(signal ? { abortSignal: signal } : {}) })
            .byPage({ maxPageSize: LIST_PAGE, ...(at ? { continuationToken: at } : {}) });
          const next = await pages.next();
          return next.done ? undefined : next.value;
        },
        { signal },
      );
      for (const item of page?.segment.blobItems ?? []) {
        const key = keyUnder(this.root, item.name);
        if (key !== undefined && key !== '') {
          const size = item.properties.contentLength;
          yield { key, ...(size === undefined ? {} : { size }) };
        }
      }
      token = page?.continuationToken || undefined;
    } while (token !== undefined);
  }

  async read(key: string, options?: RemoteCallOptions): Promise<Readable> {
    const signal = options?.signal;
    const blob = this.#blob(key);
    return resilientRead(
      this.kit,
      key,
      async (offset, version) => {
        const response = await blob.download(offset, undefined, {
          maxRetryRequests: 0,
          ...(signal ? { abortSignal: signal } : {}),
          ...(version ? { conditions: { ifMatch: version } } : {}),
        });
        const total = /\/(\d+)$/.exec(response.contentRange ?? '')?.[1];
        const size = total !== undefined ? Number(total) : response.contentLength;
        return {
          stream: response.readableStreamBody as Readable,
          size,
          version: response.etag,
        };
      },
      { signal, canResume: true },
    );
  }

  async write(key: string, body: RemoteBody, options?: RemoteWriteOptions): Promise<void> {
    const signal = options?.signal;
    const size = options?.size;
    const blob = this.#blob(key);
    const abortSignal = signal ? { abortSignal: signal } : {};
    const blockSize =
      size !== undefined && size > BLOCK_SIZE * MAX_BLOCKS
        ? Math.ceil(size / (MAX_BLOCKS - 1) / MiB) * MiB
        : BLOCK_SIZE;
    await chunkedUpload(
      this.kit,
      key,
      body,
      {
        single: async (bytes) => {
          await blob.upload(bytes, bytes.length, {
            ...abortSignal,
            blobHTTPHeaders: {
              blobContentType: 'application/octet-stream',
              blobContentMD5: md5(bytes),
            },
          });
        },
        // Uncommitted blocks are per blob and per id: a random prefix keeps two concurrent
        // uploads of the same key apart. Azure drops uncommitted blocks after a week.
        begin: async () => randomBytes(6).toString('hex'),
        part: async (session, index, bytes) => {
          const id = Buffer.from(`${session}-${String(index).padStart(6, '0')}`).toString('base64');
          await blob.stageBlock(id, bytes, bytes.length, {
            ...abortSignal,
            transactionalContentMD5: md5(bytes),
          });
          return id;
        },
        commit: async (_session, ids) => {
          await blob.commitBlockList(ids, {
            ...abortSignal,
            blobHTTPHeaders: { blobContentType: 'application/octet-stream' },
          });
        },
        abort: async () => {},
      },
      { partSize: blockSize, concurrency: BLOCK_CONCURRENCY, size, signal },
    );
  }

  async delete(key: string, options?: RemoteCallOptions): Promise<void> {
    const signal = options?.signal;
    const blob = this.#blob(key);
    await this.kit.run(
      'delete',
      key,
      async () => {
        try {
          await blob.delete(signal ? { abortSignal: signal } : {});
        } catch (error) {
          if (classifyAzure(error).kind !== 'not-found') throw error;
        }
      },
      { signal },
    );
  }

  async dispose(): Promise<void> {}
}

function md5(bytes: Buffer): Uint8Array {
  return createHash('md5').update(bytes).digest();
}
