import { createReadStream } from 'node:fs';
import { readdir, stat, unlink } from 'node:fs/promises';
import { isAbsolute, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { SHARED_DIR_MODE } from '@cairn/core-io';
import type {
  RemoteBody,
  RemoteCallOptions,
  RemoteDriver,
  RemoteListEntry,
  RemoteObjectInfo,
  RemoteWriteOptions,
} from '@cairn/types';
import { isTempName, writeStreamAtomic } from '../atomic-file.js';
import { type DriverContext, defaultJobsFor } from '../context.js';
import { bindSignal, DriverKit } from '../driver-kit.js';
import { abortedError, type Failure } from '../errors.js';
import { type LocalOptions, parseRemoteOptions } from '../options.js';
import { Redactor } from '../redact.js';
import { checkBodySize, openBody } from '../streams.js';

/** DVC keeps objects read-only; a cache or remote file with mode 0444 is trusted without re-hashing. */
const OBJECT_MODE = 0o444;

function classifyFs(error: unknown): Failure {
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return { kind: 'not-found', detail: String(code) };
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return { kind: 'auth', detail: `permission denied (${code})` };
    case 'EISDIR':
      return { kind: 'fatal', detail: 'is a directory' };
    default:
      return { kind: 'fatal', detail: message };
  }
}

/** Resolves a local remote URL: absolute path, `file://` URL, or a path relative to `cwd`. */
export function localRemoteRoot(url: string, cwd: string): string {
  const path = /^file:\/\//i.test(url) ? fileURLToPath(url) : url;
  return isAbsolute(path) ? resolve(path) : resolve(cwd, path);
}

/**
 * A remote that is a folder on this machine (or a mounted share). Writes are atomic (temp file,
 * fsync, rename) and leave objects read-only (0444), as DVC does.
 */
export async function createLocalRemote(context: DriverContext): Promise<RemoteDriver> {
  const parsed = parseRemoteOptions(context, 'local');
  const root = localRemoteRoot(context.url, context.cwd);
  const redactor = new Redactor();
  // A local disk has nothing transient to retry: an error is the answer.
  const kit = new DriverKit(
    { name: context.name, displayUrl: root, redactor },
    { ...context.policy, attempts: 1 },
    classifyFs,
  );
  return new LocalRemote(context.name, root, kit, parsed);
}

class LocalRemote implements RemoteDriver {
  readonly scheme = 'local' as const;
  readonly canList = true;
  readonly displayUrl: string;
  readonly defaultJobs: number;
  readonly #dirMode: number | undefined;
  readonly local: NonNullable<RemoteDriver['local']>;

  constructor(
    readonly name: string,
    readonly root: string,
    readonly kit: DriverKit,
    options: LocalOptions,
  ) {
    this.displayUrl = root;
    this.defaultJobs = defaultJobsFor('local', options.jobs);
    // `shared = group`: DVC makes new folders group-writable and setgid.
    this.#dirMode = options.shared === 'group' ? SHARED_DIR_MODE : undefined;
    this.local = {
      path: (key) => this.#objectPath(key),
      ...(this.#dirMode === undefined ? {} : { dirMode: this.#dirMode }),
    };
  }

  #path(key: string): string {
    this.kit.checkKey(key);
    return join(this.root, ...key.split('/'));
  }

  /** Where an object lives (never outside the remote folder). */
  #objectPath(key: string): string {
    const path = this.#path(key);
    if (path === this.root || !path.startsWith(this.root + sep)) {
      throw this.kit.toError('write', key, new Error('the key leaves the remote folder'));
    }
    return path;
  }

  async exists(key: string, options?: RemoteCallOptions): Promise<boolean> {
    const path = this.#path(key);
    return this.kit.run(
      'check',
      key,
      async () => {
        try {
          return (await stat(path)).isFile();
        } catch (error) {
          if (classifyFs(error).kind === 'not-found') return false;
          throw error;
        }
      },
      { signal: options?.signal },
    );
  }

  async stat(key: string, options?: RemoteCallOptions): Promise<RemoteObjectInfo> {
    const path = this.#path(key);
    return this.kit.run(
      'stat',
      key,
      async () => {
        const info = await stat(path);
        if (!info.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOENT' });
        return { size: info.size, mtime: info.mtime };
      },
      { signal: options?.signal },
    );
  }

  async *list(prefix: string, options?: RemoteCallOptions): AsyncIterable<RemoteListEntry> {
    // Walk from the deepest folder the prefix names completely, and filter by the rest.
    const cut = prefix.lastIndexOf('/');
    const base = cut === -1 ? '' : prefix.slice(0, cut);
    if (base !== '') this.kit.checkKey(base);
    const start = base === '' ? this.root : join(this.root, ...base.split('/'));
    const stack: Array<[dir: string, keyPrefix: string]> = [[start, base === '' ? '' : `${base}/`]];
    while (stack.length > 0) {
      if (options?.signal?.aborted) throw abortedError(this.kit.remote, 'list', prefix);
      const [dir, keyPrefix] = stack.pop()!;
      let entries: import('node:fs').Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (classifyFs(error).kind === 'not-found') continue;
        throw this.kit.toError('list', prefix, error);
      }
      const files: string[] = [];
      for (const entry of entries) {
        const key = `${keyPrefix}${entry.name}`;
        if (entry.isDirectory()) {
          if (key.startsWith(prefix) || prefix.startsWith(`${key}/`)) {
            stack.push([join(dir, entry.name), `${key}/`]);
          }
        } else if (entry.isFile() && !isTempName(entry.name) && key.startsWith(prefix)) {
          files.push(key);
        }
      }
      const sizes = await Promise.all(
        files.map((key) =>
          stat(join(this.root, ...key.split('/'))).then(
            (s) => s.size,
            () => undefined,
          ),
        ),
      );
      for (const [i, key] of files.entries()) {
        const size = sizes[i];
        // A file deleted between readdir and stat is simply gone.
        if (size !== undefined) yield { key, size };
      }
    }
  }

  async read(key: string, options?: RemoteCallOptions): Promise<Readable> {
    const path = this.#path(key);
    // Opened before returning, so a missing object is reported here and not by the stream.
    const stream = await this.kit.run(
      'read',
      key,
      () =>
        new Promise<Readable>((resolve, reject) => {
          const opened = createReadStream(path, { highWaterMark: 1 << 20 });
          opened.once('error', reject);
          opened.once('open', () => {
            opened.off('error', reject);
            resolve(opened);
          });
        }),
      { signal: options?.signal },
    );
    return bindSignal(stream, options?.signal, () => abortedError(this.kit.remote, 'read', key));
  }

  async write(key: string, body: RemoteBody, options?: RemoteWriteOptions): Promise<void> {
    const path = this.#objectPath(key);
    await this.kit.run(
      'write',
      key,
      () =>
        writeStreamAtomic(path, openBody(body), {
          mode: OBJECT_MODE,
          ...(this.#dirMode === undefined ? {} : { dirMode: this.#dirMode }),
          verify: ({ bytes }) => checkBodySize(this.kit, key, bytes, options?.size),
          signal: options?.signal,
        }),
      { signal: options?.signal, retry: false },
    );
  }

  async delete(key: string, options?: RemoteCallOptions): Promise<void> {
    const path = this.#path(key);
    await this.kit.run(
      'delete',
      key,
      async () => {
        try {
          await unlink(path);
        } catch (error) {
          if (classifyFs(error).kind !== 'not-found') throw error;
        }
      },
      { signal: options?.signal },
    );
  }

  async dispose(): Promise<void> {}
}
