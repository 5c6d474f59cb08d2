import { readFile } from 'node:fs/promises';
import { extname, relative, resolve } from 'node:path';
import { writeJsonAtomic } from '@cairn/core-io';
import { EVALUATION_METRICS, evaluate, parsePredictions } from '@cairn/eval-metrics';
import { CairnError, usageError } from '@cairn/types';
import { defineCommand } from '../command.js';

const FORMATS = ['csv', 'json', 'jsonl'] as const;
type Format = (typeof FORMATS)[number];

function formatOf(file: string, flag: string | undefined, display: string): Format {
  if (flag !== undefined) {
    if (!(FORMATS as readonly string[]).includes(flag)) {
      throw usageError(`unknown --format '${flag}'`, `expected one of: ${FORMATS.join(', ')}`);
    }
    return flag as Format;
  }
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.json') return 'json';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  throw usageError(
    `cannot tell the format of '${display}' from its extension`,
    'pass --format csv|json|jsonl',
  );
}

function parseNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw usageError(`--${name} expects a number, got '${value}'`);
  return n;
}

export default defineCommand({
  name: 'eval',
  summary: 'Compute classification metrics from a predictions file and write metrics.json.',
  description:
    'Reads labels and scores (or hard predictions) from CSV, JSON or JSONL, computes every metric\n' +
    'through @cairn/eval-metrics (the same function every pipeline phase uses), and writes them\n' +
    'atomically as a DVC metrics file. Metrics: ' +
    EVALUATION_METRICS.join(', '),
  options: {
    format: {
      type: 'string',
      valueName: '<csv|json|jsonl>',
      description: 'Input format (default: from the extension).',
    },
    'label-column': {
      type: 'string',
      valueName: '<name>',
      description: 'Column with the 0/1 labels (default: label).',
    },
    'score-column': {
      type: 'string',
      valueName: '<name>',
      description: 'Column with scores/probabilities (default: score).',
    },
    'prediction-column': {
      type: 'string',
      valueName: '<name>',
      description: 'Column with hard 0/1 predictions.',
    },
    threshold: {
      type: 'string',
      valueName: '<t>',
      description: 'Predict positive iff score >= t (default 0.5).',
    },
    select: {
      type: 'string',
      valueName: '<max-mcc>',
      description: 'Choose the threshold: max-mcc (ties: smallest threshold).',
    },
    metrics: {
      type: 'string',
      valueName: '<a,b,...>',
      description: 'Only these metrics (comma-separated).',
    },
    out: {
      type: 'string',
      short: 'o',
      valueName: '<file>',
      description: 'Metrics file to write (default: metrics.json).',
    },
    'no-write': { type: 'boolean', description: 'Print the metrics without writing a file.' },
  },
  positionals: [
    { name: 'predictions', description: 'Predictions file (.csv, .json, .jsonl).', required: true },
  ],
  examples: [
    'cairn eval predictions.csv --score-column prob --select max-mcc',
    'cairn eval preds.jsonl --label-column y --prediction-column yhat -o eval/metrics.json',
  ],
  async run({ options, positionals, cwd }) {
    const input = resolve(cwd, positionals[0] as string);
    const display = relative(cwd, input) || input;
    const format = formatOf(input, options.format, display);
    if (options.select !== undefined && options.select !== 'max-mcc') {
      throw usageError(`unknown --select '${options.select}'`, 'the only strategy is max-mcc');
    }
    if (options.select !== undefined && options.threshold !== undefined) {
      throw usageError('--select and --threshold cannot be combined');
    }
    let text: string;
    try {
      text = await readFile(input, 'utf8');
    } catch (error) {
      throw new CairnError('CAIRN_EVAL_INPUT', `cannot read predictions file ${display}`, {
        cause: error,
      });
    }
    const predictionColumn = options['prediction-column'];
    const parsed = parsePredictions(text, {
      format,
      file: display,
      labelColumn: options['label-column'] ?? 'label',
      ...(predictionColumn === undefined || options['score-column'] !== undefined
        ? { scoreColumn: options['score-column'] ?? 'score' }
        : {}),
      ...(predictionColumn === undefined ? {} : { predictionColumn }),
    });
    const threshold = parseNumber('threshold', options.threshold);
    const result = evaluate({
      labels: parsed.labels,
      ...(parsed.scores ? { scores: parsed.scores } : {}),
      ...(parsed.predictions ? { predictions: parsed.predictions } : {}),
      ...(threshold === undefined ? {} : { threshold }),
      ...(options.select === 'max-mcc' ? { select: 'max-mcc' as const } : {}),
      ...(options.metrics === undefined
        ? {}
        : {
            metrics: options.metrics
              .split(',')
              .map((m) => m.trim())
              .filter(Boolean),
          }),
    });
    let written: string | null = null;
    if (!options['no-write']) {
      const out = resolve(cwd, options.out ?? 'metrics.json');
      await writeJsonAtomic(out, result);
      written = relative(cwd, out) || out;
    }
    const entries = Object.entries(result);
    const width = Math.max(...entries.map(([k]) => k.length)) + 2;
    const lines = entries.map(([k, v]) => `${k.padEnd(width)}${v === null ? '-' : String(v)}`);
    if (written) lines.push('', `Wrote ${written}`);
    return { data: { input: display, metrics: result, written }, text: lines.join('\n') };
  },
});
