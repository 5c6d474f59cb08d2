import { relative, resolve } from 'node:path';
import { CaptureInvalidError, describeIssue, ingestCapture } from '@cairn/manifests';
import { defineCommand } from '../command.js';
import { plural } from '../verification-text.js';

export default defineCommand({
  name: 'ingest',
  summary: 'Validate a capture folder and copy it into data/captures/<experiment>/<run_id>/.',
  description:
    'A capture holds run.json, steps.jsonl.gz and episodes.jsonl.gz (and any other files). Every\n' +
    'line is decompressed and checked as a stream; counts must match run.json. A valid capture is\n' +
    'copied atomically with a manifest (file inventory + validation report) written last.\n' +
    'Ingesting the same capture again changes nothing; another capture with the same run id is\n' +
    'refused.',
  options: {
    out: {
      type: 'string',
      short: 'o',
      valueName: '<dir>',
      description: 'Captures folder (default: data/captures).',
    },
  },
  positionals: [{ name: 'run_dir', description: 'The capture folder.', required: true }],
  exitCodes: { 1: 'the capture is invalid, or another capture has its run id' },
  examples: [
    'cairn ingest /mnt/robot/run-0042',
    'cairn ingest ./capture --out data/captures --json',
  ],
  async run({ positionals, cwd, options, onProgress, signal }) {
    const source = positionals[0] as string;
    try {
      const result = await ingestCapture({
        source: resolve(cwd, source),
        root: cwd,
        ...(options.out === undefined ? {} : { out: resolve(cwd, options.out) }),
        onProgress,
        signal,
      });
      const shown = relative(cwd, result.dir) || result.dir;
      const { counted } = result.report;
      const summary = [
        plural(counted.steps, 'step'),
        plural(counted.episodes, 'episode'),
        plural(result.report.files.length, 'file'),
      ].join(', ');
      return {
        data: {
          status: result.status,
          dir: result.dir,
          manifestPath: result.manifestPath,
          report: result.report,
        },
        text:
          result.status === 'ingested'
            ? `Ingested ${source} into ${shown} (${summary})`
            : `Unchanged: ${shown} already holds this capture (${summary})`,
      };
    } catch (error) {
      if (!(error instanceof CaptureInvalidError)) throw error;
      const { report } = error;
      const omitted = report.errors_omitted > 0 ? [`…and ${report.errors_omitted} more`] : [];
      return {
        data: { status: 'invalid', dir: null, manifestPath: null, report },
        text: [
          ...report.errors.map(describeIssue),
          ...omitted,
          '',
          `INVALID: ${plural(report.errors.length + report.errors_omitted, 'problem')} in ${source}; nothing was ingested`,
        ].join('\n'),
        exitCode: 1,
      };
    }
  },
});
