import type { Readable } from 'node:stream';

/**
 * The contract between Cairn and one remote storage backend (a DVC remote). Implementations live
 * in `@cairn/remote-adapters`; push/pull/fetch/status/gc only ever talk to this interface.
 *
 * Keys are posix paths relative to the remote's root URL, exactly the layout DVC uses there:
 * `files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8` (DVC 3) or `ac/bd18db…` (DVC 2). A key never
 * starts with `/`, and has no empty, `.` or `..` segment.
 *
 * Errors are `CairnError`s with the codes documented by `@cairn/remote-adapters`
 * (`CAIRN_REMOTE_NOT_FOUND`, `CAIRN_REMOTE_AUTH`, `CAIRN_REMOTE_IO`, …); their messages name the
 * remote and the key and never contain a secret.
 */
export interface RemoteDriver {
  /** The remote's name in `.dvc/config` (`storage` for `['remote "storage"']`). */
  readonly name: string;
  /** URL scheme that selected the driver: `local`, `s3`, `gs`, `azure`, `http`, `https`. */
  readonly scheme: RemoteScheme;
  /** The remote URL with every secret replaced by `***`: safe to print and log. */
  readonly displayUrl: string;
  /** Suggested number of concurrent operations for this backend (DVC's `jobs` when set). */
  readonly defaultJobs: number;
  /** False for backends that cannot enumerate keys (plain HTTP); `list` then throws. */
  readonly canList: boolean;

  /** True when an object is stored under `key`. */
  exists(key: string, options?: RemoteCallOptions): Promise<boolean>;
  /** Size (and what else the backend knows) of the object; `CAIRN_REMOTE_NOT_FOUND` if absent. */
  stat(key: string, options?: RemoteCallOptions): Promise<RemoteObjectInfo>;
  /**
   * Every key that starts with `prefix` (a plain string prefix, `''` for everything; use a
   * trailing `/` for a "folder"), in no particular order, page by page as the backend returns
   * them. `CAIRN_REMOTE_UNSUPPORTED` when `canList` is false.
   */
  list(prefix: string, options?: RemoteCallOptions): AsyncIterable<RemoteListEntry>;
  /**
   * The object's bytes. Resolves once the backend has answered, so "not found" and "denied" are
   * thrown here, not emitted by the stream. A transfer that breaks off and cannot be resumed
   * makes the stream emit an error: it never ends early as if the object were shorter.
   */
  read(key: string, options?: RemoteCallOptions): Promise<Readable>;
  /**
   * Stores `body` under `key`, replacing what was there. Atomic for readers: until it resolves
   * they see the old object or none, never a partial one. Pass a function that opens the stream
   * (`() => createReadStream(path)`) rather than a stream when you can: a failed transfer can
   * then be retried from the start without buffering it in memory.
   */
  write(key: string, body: RemoteBody, options?: RemoteWriteOptions): Promise<void>;
  /** Removes the object; removing a key that does not exist is not an error. */
  delete(key: string, options?: RemoteCallOptions): Promise<void>;

  /** Batched `exists`, for backends that can answer many keys with fewer requests. */
  existsMany?(keys: readonly string[], options?: RemoteCallOptions): Promise<Map<string, boolean>>;
  /** Batched `delete` (e.g. S3 DeleteObjects, 1000 keys a request). */
  deleteMany?(keys: readonly string[], options?: RemoteCallOptions): Promise<void>;

  /**
   * Set by a remote that is a folder on this machine: the file that holds `key`, and the mode
   * of the folders it creates (`shared = group`). Transfers then copy small objects in bulk,
   * synchronously in worker threads, instead of through `read` / `write` one at a time.
   */
  readonly local?: { path(key: string): string; dirMode?: number };

  /** Releases sockets, child clients and timers. The driver is unusable afterwards. */
  dispose(): Promise<void>;
}

export type RemoteScheme = 'local' | 's3' | 'gs' | 'azure' | 'http' | 'https';

/** What `write` accepts: a stream (used once), bytes, or a function that opens a fresh stream. */
export type RemoteBody = Readable | Uint8Array | (() => Readable);

export interface RemoteCallOptions {
  /** Aborting rejects the call (and errors a `read` stream) with `CAIRN_REMOTE_ABORTED`. */
  signal?: AbortSignal;
}

export interface RemoteWriteOptions extends RemoteCallOptions {
  /**
   * Byte length of the body when known. It lets drivers choose single-request vs multipart
   * uploads up front, and a body of another length is rejected rather than stored.
   */
  size?: number;
}

export interface RemoteObjectInfo {
  size: number;
  /** Last modification time, when the backend reports one. */
  mtime?: Date;
}

export interface RemoteListEntry {
  key: string;
  /** Byte length, when the listing reports it (every built-in backend does). */
  size?: number;
}
