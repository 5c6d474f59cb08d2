/**
 * From a remote's name to an open driver: the merged config section (so a password kept in
 * `.dvc/config.local` joins the url from `.dvc/config`), validated per scheme by the adapters.
 */
import { openRemote } from '@cairn/remote-adapters';
import { CairnError, type DvcConfig, type RemoteDriver } from '@cairn/types';

export interface RemoteHost {
  readonly config: DvcConfig;
  readonly dvcDir: string;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * The remote an operation uses: the one asked for (`-r`), else the output's own `remote:`,
 * else `core.remote`. Throws DVC's "no remote specified" error when none applies.
 */
export function chooseRemote(
  host: RemoteHost,
  requested: string | undefined,
  own: string | undefined,
  command = 'push',
): string {
  const name = requested ?? own ?? host.config.core?.remote;
  if (name === undefined) {
    throw new CairnError(
      'CAIRN_NO_REMOTE',
      'no remote specified. Setup default remote with\n' +
        '    cairn remote default <remote name>\n' +
        'or use:\n' +
        `    cairn ${command} -r <remote name>`,
      { hint: 'add one with: cairn remote add -d <name> <url>' },
    );
  }
  return name.toLowerCase();
}

/** Opens the configured remote `name`; `CAIRN_REMOTE_UNKNOWN` when there is none of that name. */
export async function openNamedRemote(host: RemoteHost, name: string): Promise<RemoteDriver> {
  const key = name.toLowerCase();
  const section = host.config.remote?.[key];
  if (!section) {
    const known = Object.keys(host.config.remote ?? {});
    throw new CairnError('CAIRN_REMOTE_UNKNOWN', `remote '${key}' doesn't exist.`, {
      hint:
        known.length === 0
          ? 'add one with: cairn remote add <name> <url>'
          : `configured remotes: ${known.join(', ')}`,
      details: { remote: key },
    });
  }
  const { url, ...config } = section;
  return openRemote(url, { name: key, config, cwd: host.dvcDir, env: host.env });
}

/** Opens each remote once, and disposes all of them at the end. */
export class RemotePool {
  readonly #open = new Map<string, Promise<RemoteDriver>>();

  constructor(private readonly host: RemoteHost) {}

  get(name: string): Promise<RemoteDriver> {
    let driver = this.#open.get(name);
    if (!driver) {
      driver = openNamedRemote(this.host, name);
      this.#open.set(name, driver);
    }
    return driver;
  }

  async dispose(): Promise<void> {
    const all = await Promise.allSettled(this.#open.values());
    for (const result of all) if (result.status === 'fulfilled') await result.value.dispose();
  }
}
