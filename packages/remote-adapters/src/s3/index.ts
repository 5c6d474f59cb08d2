import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { isAbsolute, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
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
import { expectedMd5, keyToOid } from '../layout.js';
import { parseRemoteOptions, type S3Options } from '../options.js';
import { Redactor } from '../redact.js';
import { isTransientNetworkError, isTransientStatus } from '../retry.js';
import { resilientRead } from '../streams.js';

const MiB = 1 << 20;
/** S3 allows at most 10,000 parts; 8 MiB parts cover 78 GiB, larger known sizes get larger parts. */
const PART_SIZE = 8 * MiB;
const MAX_PARTS = 10_000;
/** Parts of one object in flight: 4 × 8 MiB of memory per large upload. */
const PART_CONCURRENCY = 4;

const NOT_FOUND = new Set(['NoSuchKey', 'NotFound', 'NoSuchBucket', 'NoSuchUpload']);
const AUTH = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'CredentialsProviderError',
  'AllAccessDisabled',
  'AccountProblem',
]);
const TRANSIENT = new Set([
  'SlowDown',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalError',
  'ServiceUnavailable',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestThrottled',
  'TimeoutError',
  'BadDigest',
  'IncompleteBody',
]);

function classifyS3(error: unknown): Failure {
  const e = error as {
    name?: string;
    Code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
    $response?: { statusCode?: number };
  };
  const name = e?.Code ?? e?.name ?? 'Error';
  const status = e?.$metadata?.httpStatusCode ?? e?.$response?.statusCode;
  const detail = `${name}${status ? ` (HTTP ${status})` : ''}${e?.message && e.message !== name ? `: ${e.message}` : ''}`;
  if (NOT_FOUND.has(name) || status === 404) {
    return name === 'NoSuchBucket'
      ? { kind: 'config', detail: `the bucket does not exist (${detail})` }
      : { kind: 'not-found', detail };
  }
  if (AUTH.has(name) || status === 401 || status === 403) return { kind: 'auth', detail };
  if (TRANSIENT.has(name) || isTransientStatus(status) || isTransientNetworkError(error)) {
    return { kind: 'transient', detail };
  }
  return { kind: 'fatal', detail };
}

/** `s3://bucket/prefix` → bucket and root prefix (no slashes at either end). */
export function parseS3Url(url: string): { bucket: string; root: string } {
  const match = /^s3:\/\/([^/]+)(\/.*)?$/i.exec(url);
  return { bucket: match?.[1] ?? '', root: trimSlashes(decodeURIComponent(match?.[2] ?? '')) };
}

/**
 * S3 and S3-compatible stores (MinIO, Ceph, R2, s3rver) through `@aws-sdk/client-s3`. Options as
 * DVC names them: `endpointurl` (path-style addressing is used with it), `region`, `profile`,
 * `credentialpath`, `configpath`, `access_key_id` / `secret_access_key` / `session_token`,
 * `allow_anonymous_login`, `ssl_verify`, `use_ssl`, `sse*`, `acl`, `grant_*`, `listobjects`,
 * `read_timeout`, `connect_timeout`. Without keys in the section, the standard AWS chain is used
 * (env vars, shared files, SSO, container and instance roles).
 */
export async function createS3Remote(context: DriverContext): Promise<RemoteDriver> {
  const options = parseRemoteOptions(context, 's3');
  const { bucket, root } = parseS3Url(context.url);
  const redactor = new Redactor([
    options.secret_access_key,
    options.session_token,
    options.sse_customer_key,
  ]);
  const displayUrl = redactor.redact(context.url);
  const kit = new DriverKit(
    { name: context.name, displayUrl, redactor },
    context.policy,
    classifyS3,
  );
  const jobs = defaultJobsFor('cloud', options.jobs);
  const client = new S3Client(clientConfig(options, context, jobs));
  return new S3Remote(context.name, displayUrl, bucket, root, kit, client, options, jobs);
}

function clientConfig(options: S3Options, context: DriverContext, jobs: number): S3ClientConfig {
  const env = context.env;
  let endpoint = options.endpointurl;
  if (endpoint !== undefined && !/^https?:\/\//i.test(endpoint)) {
    endpoint = `${options.use_ssl === false ? 'http' : 'https'}://${endpoint}`;
  }
  const verify = options.ssl_verify;
  const ca =
    typeof verify === 'string'
      ? readFileSync(isAbsolute(verify) ? verify : resolve(context.cwd, verify), 'utf8')
      : undefined;
  const agentOptions = { keepAlive: true, maxSockets: Math.max(jobs * 2, 32) };
  const checksums = (env.CAIRN_S3_CHECKSUMS ?? 'when_required').toLowerCase();
  const config: S3ClientConfig = {
    region: options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    // Retries happen in the driver, with Cairn's policy, around whole buffered requests.
    maxAttempts: 1,
    followRegionRedirects: true,
    // With the SDK's default (WHEN_SUPPORTED), streamed bodies go out aws-chunked with a trailing
    // checksum, which several S3-compatible servers store as part of the object. Cairn sends
    // buffered bodies with Content-MD5 instead, and checks the md5 of every object it downloads.
    requestChecksumCalculation: checksums === 'when_supported' ? 'WHEN_SUPPORTED' : 'WHEN_REQUIRED',
    responseChecksumValidation: checksums === 'when_supported' ? 'WHEN_SUPPORTED' : 'WHEN_REQUIRED',
    requestHandler: {
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent({
        ...agentOptions,
        rejectUnauthorized: verify !== false,
        ...(ca === undefined ? {} : { ca }),
      }),
      connectionTimeout: (options.connect_timeout ?? 60) * 1000,
      socketTimeout: (options.read_timeout ?? 60) * 1000,
    },
  };
  if (endpoint !== undefined) {
    config.endpoint = endpoint;
    config.forcePathStyle = true;
  }
  if (options.access_key_id !== undefined && options.secret_access_key !== undefined) {
    config.credentials = {
      accessKeyId: options.access_key_id,
      secretAccessKey: options.secret_access_key,
      ...(options.session_token === undefined ? {} : { sessionToken: options.session_token }),
    };
  } else if (options.allow_anonymous_login === true) {
    config.credentials = { accessKeyId: '', secretAccessKey: '' };
    config.signer = { sign: async (request) => request };
  } else {
    const resolvePath = (path: string | undefined) =>
      path === undefined ? undefined : isAbsolute(path) ? path : resolve(context.cwd, path);
    const filepath = resolvePath(options.credentialpath);
    const configFilepath = resolvePath(options.configpath);
    config.credentials = defaultProvider({
      ...(options.profile === undefined ? {} : { profile: options.profile }),
      ...(filepath === undefined ? {} : { filepath }),
      ...(configFilepath === undefined ? {} : { configFilepath }),
    });
  }
  return config;
}

class S3Remote implements RemoteDriver {
  readonly scheme = 's3' as const;
  readonly canList = true;
  readonly #write: Record<string, string>;
  readonly #sseC: Record<string, string>;

  constructor(
    readonly name: string,
    readonly displayUrl: string,
    readonly bucket: string,
    readonly root: string,
    readonly kit: DriverKit,
    readonly client: S3Client,
    readonly options: S3Options,
    readonly defaultJobs: number,
  ) {
    const sseC: Record<string, string> = {};
    if (options.sse_customer_key !== undefined) {
      sseC.SSECustomerAlgorithm = options.sse_customer_algorithm ?? 'AES256';
      sseC.SSECustomerKey = options.sse_customer_key;
    }
    this.#sseC = sseC;
    const write: Record<string, string> = { ...sseC };
    if (options.sse !== undefined) write.ServerSideEncryption = options.sse;
    if (options.sse_kms_key_id !== undefined) write.SSEKMSKeyId = options.sse_kms_key_id;
    if (options.acl !== undefined) write.ACL = options.acl;
    if (options.grant_read !== undefined) write.GrantRead = options.grant_read;
    if (options.grant_read_acp !== undefined) write.GrantReadACP = options.grant_read_acp;
    if (options.grant_write_acp !== undefined) write.GrantWriteACP = options.grant_write_acp;
    if (options.grant_full_control !== undefined) {
      write.GrantFullControl = options.grant_full_control;
    }
    this.#write = write;
  }

  #key(key: string): string {
    this.kit.checkKey(key);
    return joinKey(this.root, key);
  }

  async #head(key: string, signal: AbortSignal | undefined) {
    return this.client.send(
      new HeadObjectCommand({ Bucket: this.bucket, Key: this.#key(key), ...this.#sseC }),
      signal ? { abortSignal: signal } : {},
    );
  }

  /** HeadObject, or undefined when there is no such object. */
  async #headIfAny(key: string, signal: AbortSignal | undefined) {
    try {
      return await this.#head(key, signal);
    } catch (error) {
      if (classifyS3(error).kind === 'not-found') return undefined;
      throw error;
    }
  }

  async exists(key: string, options?: RemoteCallOptions): Promise<boolean> {
    const signal = options?.signal;
    this.kit.checkKey(key);
    return this.kit.run(
      'check',
      key,
      async () => (await this.#headIfAny(key, signal)) !== undefined,
      { signal },
    );
  }

  async stat(key: string, options?: RemoteCallOptions): Promise<RemoteObjectInfo> {
    const signal = options?.signal;
    this.kit.checkKey(key);
    return this.kit.run(
      'stat',
      key,
      async () => {
        const head = await this.#head(key, signal);
        return {
          size: head.ContentLength ?? 0,
          ...(head.LastModified ? { mtime: head.LastModified } : {}),
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
          if (this.options.listobjects === true) {
            const v1 = await this.client.send(
              new ListObjectsCommand({
                Bucket: this.bucket,
                Prefix: full,
                ...(at ? { Marker: at } : {}),
              }),
              signal ? { abortSignal: signal } : {},
            );
            const contents = v1.Contents ?? [];
            return { contents, next: v1.IsTruncated ? contents.at(-1)?.Key : undefined };
          }
          const v2 = await this.client.send(
            new ListObjectsV2Command({
              Bucket: this.bucket,
              Prefix: full,
              ...(at ? { ContinuationToken: at } : {}),
            }),
            signal ? { abortSignal: signal } : {},
          );
          return {
            contents: v2.Contents ?? [],
            next: v2.IsTruncated ? v2.NextContinuationToken : undefined,
          };
        },
        { signal },
      );
      for (const object of page.contents) {
        const key = object.Key === undefined ? undefined : keyUnder(this.root, object.Key);
        if (key !== undefined && key !== '' && !key.endsWith('/')) {
          yield { key, ...(object.Size === undefined ? {} : { size: object.Size }) };
        }
      }
      token = page.next;
    } while (token !== undefined);
  }

  async read(key: string, options?: RemoteCallOptions): Promise<Readable> {
    const signal = options?.signal;
    const full = this.#key(key);
    return resilientRead(
      this.kit,
      key,
      async (offset, version) => {
        const response = await this.client.send(
          new GetObjectCommand({
            Bucket: this.bucket,
            Key: full,
            ...this.#sseC,
            ...(offset > 0 ? { Range: `bytes=${offset}-` } : {}),
            ...(version ? { IfMatch: version } : {}),
          }),
          signal ? { abortSignal: signal } : {},
        );
        const total = /\/(\d+)$/.exec(response.ContentRange ?? '')?.[1];
        const size = total !== undefined ? Number(total) : response.ContentLength;
        return { stream: response.Body as Readable, size, version: response.ETag };
      },
      { signal, canResume: true },
    );
  }

  async write(key: string, body: RemoteBody, options?: RemoteWriteOptions): Promise<void> {
    const signal = options?.signal;
    const size = options?.size;
    const Key = this.#key(key);
    const Bucket = this.bucket;
    const send = { ...(signal ? { abortSignal: signal } : {}) };
    const partSize =
      size !== undefined && size > PART_SIZE * MAX_PARTS
        ? Math.ceil(size / (MAX_PARTS - 1) / MiB) * MiB
        : PART_SIZE;
    const partMd5s: Buffer[] = [];
    await chunkedUpload(
      this.kit,
      key,
      body,
      {
        single: async (bytes) => {
          await this.client.send(
            new PutObjectCommand({
              Bucket,
              Key,
              Body: bytes,
              ContentMD5: md5Base64(bytes),
              ...this.#write,
            }),
            send,
          );
        },
        begin: async () => {
          const created = await this.client.send(
            new CreateMultipartUploadCommand({ Bucket, Key, ...this.#write }),
            send,
          );
          if (!created.UploadId) throw new Error('CreateMultipartUpload returned no UploadId');
          return created.UploadId;
        },
        part: async (UploadId, index, bytes) => {
          const PartNumber = index + 1;
          const digest = md5Digest(bytes);
          partMd5s[index] = digest;
          const uploaded = await this.client.send(
            new UploadPartCommand({
              Bucket,
              Key,
              UploadId,
              PartNumber,
              Body: bytes,
              ContentMD5: digest.toString('base64'),
              ...this.#sseC,
            }),
            send,
          );
          return { PartNumber, ETag: uploaded.ETag ?? '' };
        },
        commit: async (UploadId, parts) => {
          await this.client.send(
            new CompleteMultipartUploadCommand({
              Bucket,
              Key,
              UploadId,
              MultipartUpload: { Parts: parts },
            }),
            send,
          );
        },
        committed: async () => {
          const etag = (await this.#headIfAny(key, signal))?.ETag?.replace(/"/g, '');
          return etag !== undefined && completedEtags(key, partMd5s).includes(etag);
        },
        abort: async (UploadId) => {
          await this.client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }));
        },
      },
      { partSize, concurrency: PART_CONCURRENCY, size, signal },
    );
  }

  async delete(key: string, options?: RemoteCallOptions): Promise<void> {
    const signal = options?.signal;
    const Key = this.#key(key);
    await this.kit.run(
      'delete',
      key,
      async () => {
        try {
          await this.client.send(
            new DeleteObjectCommand({ Bucket: this.bucket, Key }),
            signal ? { abortSignal: signal } : {},
          );
        } catch (error) {
          if (classifyS3(error).kind !== 'not-found') throw error;
        }
      },
      { signal },
    );
  }

  /** DeleteObjects, 1000 keys a request. */
  async deleteMany(keys: readonly string[], options?: RemoteCallOptions): Promise<void> {
    const signal = options?.signal;
    const full = keys.map((key) => this.#key(key));
    for (let at = 0; at < full.length; at += 1000) {
      const batch = full.slice(at, at + 1000);
      const result = await this.kit.run(
        'delete',
        undefined,
        () =>
          this.client.send(
            new DeleteObjectsCommand({
              Bucket: this.bucket,
              Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
            }),
            signal ? { abortSignal: signal } : {},
          ),
        { signal },
      );
      const failed = (result.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
      if (failed.length > 0) {
        const first = failed[0];
        throw remoteError(
          this.kit.remote,
          RemoteErrorCode.io,
          `cannot delete ${failed.length} of ${batch.length} objects (first: ${first?.Key}: ${first?.Code})`,
        );
      }
    }
  }

  async dispose(): Promise<void> {
    this.client.destroy();
  }
}

function md5Base64(bytes: Buffer): string {
  return md5Digest(bytes).toString('base64');
}

function md5Digest(bytes: Buffer): Buffer {
  return createHash('md5').update(bytes).digest();
}

/**
 * The ETags an object completed from these parts may have: S3's multipart form (the md5 of the
 * parts' md5s, `-` and the number of parts), or, for a content-addressed object, the md5 of its
 * bytes, which is its name (what stores that hash the whole object report, s3rver among them).
 * With SSE-KMS or SSE-C the ETag is neither, and a lost completion stays an error.
 */
function completedEtags(key: string, partMd5s: readonly Buffer[]): string[] {
  const multipart = `${createHash('md5').update(Buffer.concat(partMd5s)).digest('hex')}-${partMd5s.length}`;
  const oid = keyToOid(key);
  return oid === undefined ? [multipart] : [multipart, expectedMd5(oid)];
}
