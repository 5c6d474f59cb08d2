import { LooseBoolean, LooseInt, type RemoteScheme } from '@cairn/types';
import { z } from 'zod';
import type { DriverContext } from './context.js';
import { RemoteErrorCode, remoteError } from './errors.js';
import { Redactor } from './redact.js';

/**
 * Per-scheme validation of a remote section, with DVC's option names (dvc/config_schema.py). A
 * section DVC accepts is accepted here too; options whose behaviour Cairn does not implement and
 * that would change what ends up where (worktree remotes, Azure service principals, digest auth)
 * are refused with `CAIRN_REMOTE_CONFIG` rather than silently ignored.
 */

const Str = z.string();
const Bool = LooseBoolean;
const PositiveInt = LooseInt.pipe(z.number().int().min(1));
const Seconds = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v),
  z.number().nonnegative(),
);
/** `true`/`false`, or a path to a CA bundle. */
const SslVerify = z.union([Bool, Str]);
/** `type = reflink,copy` arrives as a string or an INI list. */
const StrOrList = z.union([Str, z.array(Str)]);

const Common = {
  url: Str,
  checksum_jobs: PositiveInt.optional(),
  jobs: PositiveInt.optional(),
  worktree: Bool.optional(),
  no_traverse: Bool.optional(),
  version_aware: Bool.optional(),
  verify: Bool.optional(),
};

export const LocalOptions = z.strictObject({
  ...Common,
  type: StrOrList.optional(),
  protected: Bool.optional(),
  shared: z.literal('group').optional(),
  slow_link_warning: Bool.optional(),
});
export type LocalOptions = z.output<typeof LocalOptions>;

export const S3Options = z.strictObject({
  ...Common,
  region: Str.optional(),
  profile: Str.optional(),
  credentialpath: Str.optional(),
  configpath: Str.optional(),
  endpointurl: Str.optional(),
  access_key_id: Str.optional(),
  secret_access_key: Str.optional(),
  session_token: Str.optional(),
  listobjects: Bool.optional(),
  use_ssl: Bool.optional(),
  allow_anonymous_login: Bool.optional(),
  ssl_verify: SslVerify.optional(),
  sse: Str.optional(),
  sse_kms_key_id: Str.optional(),
  sse_customer_algorithm: Str.optional(),
  sse_customer_key: Str.optional(),
  acl: Str.optional(),
  grant_read: Str.optional(),
  grant_read_acp: Str.optional(),
  grant_write_acp: Str.optional(),
  grant_full_control: Str.optional(),
  cache_regions: Bool.optional(),
  read_timeout: Seconds.optional(),
  connect_timeout: Seconds.optional(),
});
export type S3Options = z.output<typeof S3Options>;

export const GcsOptions = z.strictObject({
  ...Common,
  projectname: Str.optional(),
  credentialpath: Str.optional(),
  endpointurl: Str.optional(),
});
export type GcsOptions = z.output<typeof GcsOptions>;

export const AzureOptions = z.strictObject({
  ...Common,
  connection_string: Str.optional(),
  sas_token: Str.optional(),
  account_name: Str.optional(),
  account_key: Str.optional(),
  tenant_id: Str.optional(),
  client_id: Str.optional(),
  client_secret: Str.optional(),
  allow_anonymous_login: Bool.optional(),
  exclude_environment_credential: Bool.optional(),
  exclude_visual_studio_code_credential: Bool.optional(),
  exclude_shared_token_cache_credential: Bool.optional(),
  exclude_managed_identity_credential: Bool.optional(),
  timeout: Seconds.optional(),
  read_timeout: Seconds.optional(),
  connection_timeout: Seconds.optional(),
});
export type AzureOptions = z.output<typeof AzureOptions>;

export const HttpOptions = z.strictObject({
  ...Common,
  auth: z
    .preprocess(
      (v) => (typeof v === 'string' ? v.toLowerCase() : v),
      z.enum(['basic', 'digest', 'custom']),
    )
    .optional(),
  custom_auth_header: Str.optional(),
  user: Str.optional(),
  password: Str.optional(),
  ask_password: Bool.optional(),
  ssl_verify: SslVerify.optional(),
  method: Str.optional(),
  connect_timeout: Seconds.optional(),
  read_timeout: Seconds.optional(),
});
export type HttpOptions = z.output<typeof HttpOptions>;

const SCHEMAS = {
  local: LocalOptions,
  s3: S3Options,
  gs: GcsOptions,
  azure: AzureOptions,
  http: HttpOptions,
  https: HttpOptions,
} as const;

/** Options that hold credentials: never echoed, always redacted. */
export const SECRET_OPTIONS = [
  'secret_access_key',
  'session_token',
  'sse_customer_key',
  'connection_string',
  'sas_token',
  'account_key',
  'client_secret',
  'password',
] as const;

export const SUPPORTED_SCHEMES = [
  'local path',
  's3://',
  'gs://',
  'azure://',
  'http://',
  'https://',
];

export type OptionsOf<S extends RemoteScheme> = z.output<(typeof SCHEMAS)[S]>;

/** A parsed remote URL: the scheme that picks the driver, and the URL itself. */
export interface ParsedRemoteUrl {
  scheme: RemoteScheme;
  url: string;
}

/** Scheme of a remote URL the way DVC decides it: no `scheme://netloc` means a local path. */
export function remoteSchemeOf(name: string, url: string): RemoteScheme {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i.exec(url);
  if (!match || match[1]?.toLowerCase() === 'file') return 'local';
  const scheme = match[1]!.toLowerCase();
  if (match[2] === '') {
    throw configError(name, url, `the url "${url}" has no bucket or host after ${scheme}://`);
  }
  if (scheme === 'gcs') return 'gs';
  if (
    scheme === 's3' ||
    scheme === 'gs' ||
    scheme === 'azure' ||
    scheme === 'http' ||
    scheme === 'https'
  ) {
    return scheme;
  }
  throw configError(
    name,
    url,
    `${scheme}:// remotes are not supported by Cairn (supported: ${SUPPORTED_SCHEMES.join(', ')})`,
  );
}

function configError(name: string, url: string, what: string, hint?: string) {
  const redactor = new Redactor();
  return remoteError(
    { name, displayUrl: redactor.redact(url), redactor },
    RemoteErrorCode.config,
    what,
    hint === undefined ? {} : { hint },
  );
}

/**
 * Validates `section` for `scheme`. Unknown options and bad values fail with
 * `CAIRN_REMOTE_CONFIG`, naming the remote and the option (never the value of a secret).
 */
export function parseRemoteOptions<S extends RemoteScheme>(
  context: Pick<DriverContext, 'name' | 'section'>,
  scheme: S,
): OptionsOf<S> {
  const options = validateOptions(context.name, context.section, scheme);
  refuseUnsupported(context.name, scheme, options);
  return options;
}

/**
 * Checks a remote section as DVC does when its config is written: unknown options and bad values
 * of a scheme Cairn knows fail with `CAIRN_REMOTE_CONFIG`. Sections without a url and schemes
 * Cairn does not drive (ssh://, hdfs://, …) are left to DVC; options DVC accepts but Cairn does not
 * implement are refused only when the remote is opened.
 */
export function checkRemoteSection(name: string, section: Record<string, unknown>): void {
  const url = section.url;
  if (typeof url !== 'string') return;
  let scheme: RemoteScheme;
  try {
    scheme = remoteSchemeOf(name, url);
  } catch {
    return;
  }
  validateOptions(name, section, scheme);
}

function validateOptions<S extends RemoteScheme>(
  name: string,
  section: Record<string, unknown>,
  scheme: S,
): OptionsOf<S> {
  const schema = SCHEMAS[scheme];
  const result = schema.safeParse(section);
  if (result.success) return result.data as OptionsOf<S>;
  const problems: string[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push(`unknown option "${key}" for a ${label(scheme)} remote`);
      }
    } else {
      const option = String(issue.path[0] ?? '');
      problems.push(`option "${option}": ${issue.message}`);
    }
  }
  const known = Object.keys(schema.shape).sort().join(', ');
  throw configError(
    name,
    String(section.url),
    problems.join('; '),
    `Options a ${label(scheme)} remote accepts: ${known}.`,
  );
}

function label(scheme: RemoteScheme): string {
  return scheme === 'local' ? 'local' : `${scheme}://`;
}

function refuseUnsupported(name: string, scheme: RemoteScheme, options: Record<string, unknown>) {
  const refuse = (what: string, hint?: string) => {
    throw configError(name, String(options.url), what, hint);
  };
  if (options.worktree === true || options.version_aware === true) {
    refuse(
      'worktree / version_aware (cloud-versioned) remotes are not supported by Cairn yet',
      'Use a plain remote (without worktree/version_aware) for Cairn.',
    );
  }
  if (scheme === 'azure' && (options.tenant_id || options.client_id || options.client_secret)) {
    refuse(
      'Azure service-principal login (tenant_id/client_id/client_secret) is not supported by Cairn yet',
      'Use connection_string, account_name + account_key, or sas_token (in .dvc/config.local).',
    );
  }
  if ((scheme === 'http' || scheme === 'https') && options.auth === 'digest') {
    refuse(
      'HTTP digest authentication is not supported by Cairn yet',
      'Use auth = basic or custom.',
    );
  }
  if (
    (scheme === 'http' || scheme === 'https') &&
    options.auth === 'custom' &&
    !options.custom_auth_header
  ) {
    refuse('auth = custom needs custom_auth_header (the header that carries the password)');
  }
}
