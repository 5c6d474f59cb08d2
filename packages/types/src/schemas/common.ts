import { z } from 'zod';

/** DVC coerces hash values to strings and lower-cases them (md5/checksum; etags keep their case). */
export const HashValue = z
  .union([z.string(), z.number()])
  .transform((v) => String(v).toLowerCase())
  .pipe(z.string().min(3, 'expected a hash of at least 3 characters'));

export const Md5Hex = z.string().regex(/^[0-9a-f]{32}$/, 'expected 32 lowercase hex digits (md5)');
export const Sha256Hex = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits (sha256)');
/** A DVC object id: md5 hex, with `.dir` appended for directory objects. */
export const ObjectId = z
  .string()
  .regex(/^[0-9a-f]{32}(\.dir)?$/, 'expected an md5 object id (32 hex digits, optionally .dir)');

export const NonNegativeInt = z.number().int().nonnegative();

/**
 * A posix path relative to some root that cannot escape it: not absolute, no `..` segment,
 * no backslashes, no empty or `.` segments. Used for every path read from untrusted files.
 */
export const SafeRelativePath = z.string().superRefine((value, ctx) => {
  const problem = relativePathProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export function relativePathProblem(value: string): string | undefined {
  if (value.length === 0) return 'expected a relative path, got an empty string';
  if (value.includes('\0')) return 'path contains a NUL byte';
  if (value.startsWith('/') || /^[A-Za-z]:/.test(value))
    return `absolute path "${value}" is not allowed`;
  if (value.includes('\\')) return `path "${value}" contains a backslash`;
  const segments = value.split('/');
  if (segments.includes('..')) return `path "${value}" escapes its root ("..")`;
  if (segments.some((s) => s === '' || s === '.'))
    return `path "${value}" has an empty or "." segment`;
  return undefined;
}

/**
 * One path segment Cairn creates from a user-given name (experiment, run id, step name): letters,
 * digits, `.`, `_`, `-`, starting with a letter or digit, at most 128 characters. Safe as a folder
 * name on every filesystem and never `.`, `..` or hidden.
 */
export const NameSegment = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
    'expected a name of letters, digits, ".", "_" or "-" (starting with a letter or digit, at most 128)',
  );

/** Booleans as DVC's config reads them: true/false in any case, or real booleans. */
export const LooseBoolean = z.preprocess(
  (v) => (typeof v === 'string' && /^(true|false)$/i.test(v) ? v.toLowerCase() === 'true' : v),
  z.boolean(),
);

/** Integers as INI text or numbers. */
export const LooseInt = z.preprocess(
  (v) => (typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v),
  z.number().int(),
);
