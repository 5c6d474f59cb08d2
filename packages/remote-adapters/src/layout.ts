import { join } from 'node:path';

/**
 * DVC 3's object layout, the same in a cache folder and on a remote:
 * `files/md5/<first 2 hex>/<remaining 30 hex>`, with `.dir` kept on directory objects.
 */

/** An object id: 32 lower-case hex digits, `.dir` for a directory listing. */
export const OID_PATTERN = /^[0-9a-f]{32}(\.dir)?$/;

export const OBJECTS_PREFIX = 'files/md5/';

export function isOid(value: string): boolean {
  return OID_PATTERN.test(value);
}

/** `acbd18db…` → `files/md5/ac/bd18db…`. */
export function oidToKey(oid: string): string {
  return `${OBJECTS_PREFIX}${oid.slice(0, 2)}/${oid.slice(2)}`;
}

/** `files/md5/ac/bd18db…` → `acbd18db…`; undefined for anything that is not an object. */
export function keyToOid(key: string): string | undefined {
  if (!key.startsWith(OBJECTS_PREFIX)) return undefined;
  const rest = key.slice(OBJECTS_PREFIX.length);
  if (rest.length < 4 || rest[2] !== '/') return undefined;
  const oid = rest.slice(0, 2) + rest.slice(3);
  return isOid(oid) ? oid : undefined;
}

/** The md5 an object's bytes must have: its id without `.dir`. */
export function expectedMd5(oid: string): string {
  return oid.slice(0, 32);
}

/** Where an object lives in a local cache folder. */
export function cachePath(cacheDir: string, oid: string): string {
  return join(cacheDir, 'files', 'md5', oid.slice(0, 2), oid.slice(2));
}

/** The 256 listing prefixes `files/md5/00/` … `files/md5/ff/`. */
export function allPrefixes(): string[] {
  return Array.from({ length: 256 }, (_, i) => prefixOf(i.toString(16).padStart(2, '0')));
}

/** `ac…` → `files/md5/ac/`. */
export function prefixOf(oid: string): string {
  return `${OBJECTS_PREFIX}${oid.slice(0, 2)}/`;
}
