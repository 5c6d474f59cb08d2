import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FaultOptions, FaultStats } from './faults.js';
import type { HostReady, HostRequest, HostResponse, HostStart } from './protocol.js';

/** A running emulator: where it listens, and the knobs of its fault proxy. */
export interface Emulator {
  /** `http://127.0.0.1:<port>` of the fault proxy in front of the backend. */
  endpoint: string;
  /** The DVC remote URL to open (`s3://cairn`, `azure://cairn`, `gs://cairn`, `http://…/dvc`). */
  url: string;
  /** The DVC remote options (keys as DVC spells them) that reach this emulator. */
  config: Record<string, string>;
  /**
   * The same backend without the fault proxy in the way (`endpoint` of the backend itself), for
   * tests that inject no faults: one hop less in the emulator's process for every request.
   */
  direct: { endpoint: string; url: string; config: Record<string, string> };
  /** Changes which share of requests fail, from now on. */
  setFaults(faults: FaultOptions): Promise<void>;
  /** Requests and injected faults since the last call. */
  takeStats(): Promise<FaultStats>;
  stop(): Promise<void>;
}

export interface EmulatorOptions {
  /** Faults from the first request on (default none; change them with `setFaults`). */
  faults?: FaultOptions;
}

const HOST = fileURLToPath(new URL('./host.js', import.meta.url));

/** Starts the host process for one backend and waits until its proxy listens. */
export async function startHost(
  start: HostStart,
): Promise<{ proxyPort: number; backendPort: number; call: Caller; stop: () => Promise<void> }> {
  const child: ChildProcess = fork(HOST, [JSON.stringify(start)], {
    execArgv: ['--openssl-legacy-provider'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<HostReady>((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`the ${start.kind} emulator exited (code ${code})`));
    child.once('exit', onExit);
    child.on('message', (message: HostReady | HostResponse) => {
      if (message.type === 'ready') {
        child.off('exit', onExit);
        resolve(message);
      } else if (message.type === 'failed') {
        child.off('exit', onExit);
        reject(new Error(`the ${start.kind} emulator failed to start: ${message.message}`));
      }
    });
  });
  let nextId = 0;
  const pending = new Map<number, (response: HostResponse) => void>();
  child.on('message', (message: HostResponse) => {
    if ('id' in message) {
      pending.get(message.id)?.(message);
      pending.delete(message.id);
    }
  });
  const call: Caller = (request) =>
    new Promise((resolve, reject) => {
      if (!child.connected) {
        reject(new Error(`the ${start.kind} emulator is not running`));
        return;
      }
      const id = ++nextId;
      pending.set(id, resolve);
      child.send({ ...request, id } as HostRequest);
    });
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= new Promise<void>((resolve) => {
      if (child.exitCode !== null || !child.connected) return resolve();
      child.once('exit', () => resolve());
      void call({ type: 'stop' }).catch(() => {});
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    });
    return stopped;
  };
  return { ...ready, call, stop };
}

type Caller = (
  request: { type: 'faults'; faults: FaultOptions } | { type: 'stats' } | { type: 'stop' },
) => Promise<HostResponse>;

/** The shared part of every `start…` function: host, proxy endpoint, fault knobs. */
export async function startEmulator(
  start: HostStart,
  describe: (
    endpoint: string,
    backendPort: number,
  ) => { url: string; config: Record<string, string> },
): Promise<Emulator> {
  const host = await startHost(start);
  const endpoint = `http://127.0.0.1:${host.proxyPort}`;
  const backend = `http://127.0.0.1:${host.backendPort}`;
  return {
    endpoint,
    ...describe(endpoint, host.backendPort),
    direct: { endpoint: backend, ...describe(backend, host.backendPort) },
    async setFaults(faults) {
      await host.call({ type: 'faults', faults });
    },
    async takeStats() {
      const response = await host.call({ type: 'stats' });
      if (response.type !== 'stats') throw new Error('unexpected answer from the emulator');
      return response.stats;
    },
    stop: host.stop,
  };
}
