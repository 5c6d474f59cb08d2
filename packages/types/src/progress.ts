/**
 * Progress of long operations, as a stream of events. Libraries emit them through an optional
 * `onProgress` callback and never print; the CLI renders bars on a TTY and stays quiet otherwise.
 */
export type ProgressEvent =
  | {
      type: 'start';
      /** Identifies one task among concurrent ones, e.g. `hash`, `push:storage`. */
      id: string;
      label: string;
      /** Units of work, when known up front. */
      total?: number;
      unit?: 'files' | 'bytes' | 'objects' | 'stages' | 'items';
    }
  | { type: 'progress'; id: string; done: number; total?: number }
  | { type: 'done'; id: string; done?: number };

export type ProgressListener = (event: ProgressEvent) => void;
