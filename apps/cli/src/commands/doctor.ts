import { doctor } from '@cairn/repo';
import { defineCommand } from '../command.js';
import { cliVersion } from '../version.js';

export default defineCommand({
  name: 'doctor',
  summary: 'Show versions, platform, cache link types and configured remotes.',
  options: {},
  async run({ cwd, env }) {
    const report = await doctor(cwd, cliVersion(), env);
    const lines = [
      `Cairn version: ${report.cairn}`,
      '-'.repeat(15 + report.cairn.length),
      `Platform: Node ${report.node} on ${report.platform}`,
      `Git: ${report.git ?? 'not found'}`,
    ];
    if (report.repo) {
      const supported = Object.entries(report.repo.supportedLinkTypes)
        .filter(([, ok]) => ok)
        .map(([type]) => type);
      lines.push(
        `Repo: ${report.repo.root} (${report.repo.scm ?? 'no scm'})`,
        `Cache directory: ${report.repo.cacheDir}`,
        `Cache types (configured): ${report.repo.cacheTypes.join(', ')}`,
        `Cache types (supported here): ${supported.join(', ') || 'none'}`,
        `Remotes: ${
          report.repo.remotes.length === 0
            ? 'none'
            : report.repo.remotes
                .map((r) => `${r.name}${r.default ? ' (default)' : ''} ${r.url}`)
                .join(', ')
        }`,
      );
    } else lines.push('Repo: none (not inside a Cairn/DVC repository)');
    return { data: report, text: lines.join('\n') };
  },
});
