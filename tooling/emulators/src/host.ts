/**
 * The emulator host: a child process that runs one backend and the fault proxy in front of it,
 * so the emulator does not share the test's event loop (and runs with the Node flags it needs:
 * s3rver's paginated listing uses DES, which OpenSSL 3 only has with --openssl-legacy-provider).
 * It talks to its parent over IPC and exits when the parent goes away.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { connect, createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { AZURITE_ACCOUNT, AZURITE_KEY } from './constants.js';
import { type FaultOptions, type FaultProxy, startFaultProxy } from './faults.js';
import { startGcsServer } from './gcs-server.js';
import { startHttpRemoteServer } from './http-server.js';
import type { HostReady, HostRequest, HostResponse, HostStart } from './protocol.js';
import { scratchDir } from './scratch.js';

async function freePort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`azurite exited with code ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline)
      throw new Error(`azurite did not listen on ${port} in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface Backend {
  port: number;
  stop(): Promise<void>;
}

async function startBackend(start: HostStart, dir: string): Promise<Backend> {
  switch (start.kind) {
    case 'http': {
      const { server, port } = await startHttpRemoteServer({
        root: dir,
        user: start.user,
        password: start.password,
      });
      return { port, stop: () => closeServer(server) };
    }
    case 'gcs': {
      const { server, port } = await startGcsServer(dir, [start.bucket]);
      return { port, stop: () => closeServer(server) };
    }
    case 's3': {
      const { default: S3rver } = await import('s3rver');
      const s3rver = new S3rver({
        address: '127.0.0.1',
        port: 0,
        directory: dir,
        silent: true,
        configureBuckets: [{ name: start.bucket }],
      });
      const address = await s3rver.run();
      return { port: address.port, stop: () => s3rver.close() };
    }
    case 'azure': {
      const require = createRequire(import.meta.url);
      const main = join(dirname(require.resolve('azurite/package.json')), 'dist/src/blob/main.js');
      for (let attempt = 1; ; attempt++) {
        const port = await freePort();
        const child = spawn(
          process.execPath,
          [
            main,
            '--blobHost',
            '127.0.0.1',
            '--blobPort',
            String(port),
            '--location',
            dir,
            '--silent',
            '--disableTelemetry',
            '--skipApiVersionCheck',
          ],
          { stdio: 'ignore' },
        );
        try {
          await waitForPort(port, child, 20_000);
        } catch (error) {
          child.kill('SIGKILL');
          if (attempt < 3) continue;
          throw error;
        }
        await createAzureContainer(port, start.bucket);
        return {
          port,
          stop: () =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
              setTimeout(() => child.kill('SIGKILL'), 3000).unref();
            }),
        };
      }
    }
  }
}

async function createAzureContainer(port: number, container: string): Promise<void> {
  const { BlobServiceClient } = await import('@azure/storage-blob');
  const client = BlobServiceClient.fromConnectionString(azuriteConnectionString(port));
  await client.getContainerClient(container).createIfNotExists();
}

function azuriteConnectionString(port: number): string {
  return `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=http://127.0.0.1:${port}/${AZURITE_ACCOUNT};`;
}

function closeServer(server: Server | import('node:http').Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    if ('closeAllConnections' in server) server.closeAllConnections();
  });
}

async function main(): Promise<void> {
  const start = JSON.parse(process.argv[2] ?? '{}') as HostStart;
  const dir = await mkdtemp(join(scratchDir(), `cairn-emulator-${start.kind}-`));
  let backend: Backend | undefined;
  let proxy: FaultProxy | undefined;
  const shutdown = async () => {
    await proxy?.close().catch(() => {});
    await backend?.stop().catch(() => {});
    await rm(dir, { recursive: true, force: true }).catch(() => {});
  };
  process.on('disconnect', () => {
    void shutdown().finally(() => process.exit(0));
  });
  try {
    backend = await startBackend(start, dir);
    proxy = await startFaultProxy({ host: '127.0.0.1', port: backend.port }, start.faults ?? {});
  } catch (error) {
    await shutdown();
    process.send?.({ type: 'failed', message: String((error as Error)?.stack ?? error) });
    process.exit(1);
  }
  const active = proxy;
  process.on('message', (message: HostRequest) => {
    const reply = (response: HostResponse) => process.send?.(response);
    switch (message.type) {
      case 'faults':
        active.setFaults(message.faults as FaultOptions);
        reply({ type: 'ok', id: message.id });
        break;
      case 'stats':
        reply({ type: 'stats', id: message.id, stats: active.takeStats() });
        break;
      case 'stop':
        void shutdown().then(() => {
          reply({ type: 'ok', id: message.id });
          process.disconnect?.();
          process.exit(0);
        });
        break;
    }
  });
  const ready: HostReady = { type: 'ready', proxyPort: active.port, backendPort: backend.port };
  process.send?.(ready);
}

void main();
