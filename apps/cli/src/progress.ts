/**
 * Renders progress events as one bar per task on a TTY (stderr), throttled; silent otherwise.
 * `CAIRN_PROGRESS=ndjson` writes the raw events as JSON lines instead, for tools that want them.
 */
import type { Writable } from 'node:stream';
import type { ProgressEvent, ProgressListener } from '@cairn/types';

interface Task {
  label: string;
  done: number;
  total: number | undefined;
  unit: string | undefined;
}

const WIDTH = 24;
const INTERVAL_MS = 100;

export interface ProgressRenderer {
  listener: ProgressListener;
  /** Clears the bars; call before printing the result. */
  stop(): void;
}

export function createProgress(
  stream: Writable & { isTTY?: boolean; columns?: number },
  mode: 'tty' | 'ndjson' | 'silent',
): ProgressRenderer {
  if (mode === 'silent') return { listener: () => {}, stop: () => {} };
  if (mode === 'ndjson') {
    return { listener: (e) => void stream.write(`${JSON.stringify(e)}\n`), stop: () => {} };
  }
  const tasks = new Map<string, Task>();
  let drawn = 0;
  let last = 0;
  let timer: NodeJS.Timeout | undefined;

  const clear = () => {
    if (drawn > 0) stream.write(`\x1b[${drawn}A\x1b[0J`);
    drawn = 0;
  };
  const draw = () => {
    timer = undefined;
    last = Date.now();
    clear();
    const columns = stream.columns ?? 80;
    const lines = [...tasks.values()].map((t) => renderLine(t).slice(0, columns - 1));
    if (lines.length > 0) stream.write(`${lines.join('\n')}\n`);
    drawn = lines.length;
  };
  const schedule = () => {
    if (timer) return;
    const wait = Math.max(0, INTERVAL_MS - (Date.now() - last));
    timer = setTimeout(draw, wait);
    timer.unref();
  };

  const listener = (event: ProgressEvent) => {
    if (event.type === 'start') {
      tasks.set(event.id, { label: event.label, done: 0, total: event.total, unit: event.unit });
    } else {
      const task = tasks.get(event.id);
      if (!task) return;
      if (event.type === 'progress') {
        task.done = event.done;
        if (event.total !== undefined) task.total = event.total;
      } else {
        tasks.delete(event.id);
      }
    }
    schedule();
  };
  return {
    listener,
    stop: () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      tasks.clear();
      clear();
    },
  };
}

export function renderLine(task: Task): string {
  const count =
    task.unit === 'bytes'
      ? `${formatBytes(task.done)}${task.total === undefined ? '' : `/${formatBytes(task.total)}`}`
      : `${task.done}${task.total === undefined ? '' : `/${task.total}`}${task.unit ? ` ${task.unit}` : ''}`;
  if (task.total === undefined || task.total === 0) return `${task.label}  ${count}`;
  const ratio = Math.min(1, task.done / task.total);
  const filled = Math.round(ratio * WIDTH);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}`;
  return `${task.label}  ${bar} ${String(Math.floor(ratio * 100)).padStart(3)}%  ${count}`;
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
}
