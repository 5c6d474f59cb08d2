import { resolve } from 'node:path';
import { readManifest } from '@cairn/manifests';
import type { FileDigest } from '@cairn/types';
import { defineCommand } from '../command.js';
import { formatBytes } from '../progress.js';

function fileLines(title: string, files: Record<string, FileDigest>): string[] {
  const entries = Object.entries(files);
  if (entries.length === 0) return [`${title}: none`];
  const width = Math.max(...entries.map(([p]) => p.length)) + 2;
  return [
    `${title} (${entries.length}):`,
    ...entries.map(
      ([path, d]) => `  ${path.padEnd(width)}${formatBytes(d.size).padStart(10)}  ${d.sha256}`,
    ),
  ];
}

function values(record: Record<string, unknown>): string {
  const entries = Object.entries(record);
  return entries.length === 0
    ? 'none'
    : entries.map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ');
}

export default defineCommand({
  name: 'manifest show',
  summary: 'Print a step manifest: what ran, where, with which inputs, outputs and metrics.',
  options: {},
  positionals: [
    {
      name: 'path',
      description: 'A manifest.json, or the step (or capture) folder holding one.',
      required: true,
    },
  ],
  examples: [
    'cairn manifest show runs/mnist/20261125T101502Z/train',
    'cairn manifest show m.json --json',
  ],
  async run({ positionals, cwd }) {
    const { manifestPath, manifest: m } = await readManifest(
      resolve(cwd, positionals[0] as string),
    );
    const git =
      m.git_sha === null ? 'not a git work tree' : `${m.git_sha}${m.git_dirty ? ' (dirty)' : ''}`;
    const text = [
      `Step ${m.step_name} of run ${m.experiment}/${m.run_id}: ${m.status} in ${m.duration_seconds.toFixed(3)} s`,
      `Started ${m.started_at} on ${m.hostname}; node ${m.runtime.node}, cairn ${m.runtime.cairn}, ${m.runtime.os}`,
      `Git: ${git}`,
      `Config hash: ${m.config_hash}`,
      `Params: ${values(m.params)}`,
      `Metrics: ${values(m.metrics)}`,
      ...fileLines('Inputs', m.inputs),
      ...fileLines('Outputs', m.outputs),
    ].join('\n');
    return { data: { manifestPath, manifest: m }, text };
  },
});
