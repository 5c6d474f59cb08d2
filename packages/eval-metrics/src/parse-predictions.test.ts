import { describe, expect, it } from 'vitest';
import { MetricsError, type ParsePredictionsOptions, parsePredictions } from './index.js';

function parseError(text: string, options: ParsePredictionsOptions): MetricsError {
  try {
    parsePredictions(text, options);
  } catch (error) {
    if (error instanceof MetricsError) return error;
    throw error;
  }
  throw new Error('expected a MetricsError');
}

const csv = {
  format: 'csv',
  labelColumn: 'label',
  scoreColumn: 'score',
  file: 'preds.csv',
} as const;

describe('parsePredictions: CSV', () => {
  it('reads the named columns into typed arrays, in any order', () => {
    const parsed = parsePredictions('id,score,label\na,0.9,1\nb,1e-3,0\nc,-inf,false\n', csv);
    expect(parsed.labels).toBeInstanceOf(Int32Array);
    expect(Array.from(parsed.labels)).toEqual([1, 0, 0]);
    expect(parsed.scores).toBeInstanceOf(Float64Array);
    expect(Array.from(parsed.scores ?? [])).toEqual([0.9, 0.001, Number.NEGATIVE_INFINITY]);
    expect(parsed.predictions).toBeUndefined();
  });

  it('handles quotes, CRLF, a BOM, blank lines and labels written as 1.0 or True', () => {
    const text = '\ufeff"label","pred","note"\r\n1.0,1,"a, ""quoted""\r\nnote"\r\n\r\nTrue,0,x\r\n';
    const parsed = parsePredictions(text, {
      format: 'csv',
      labelColumn: 'label',
      predictionColumn: 'pred',
    });
    expect(Array.from(parsed.labels)).toEqual([1, 1]);
    expect(Array.from(parsed.predictions ?? [])).toEqual([1, 0]);
  });

  it('names file, line, column and field of a bad value', () => {
    const error = parseError('label,score\n1,0.5\n0,abc\n', csv);
    expect(error.code).toBe('CAIRN_METRICS_PARSE');
    expect(error.message).toBe('preds.csv:3:3: column "score": expected a number, got "abc"');
    expect(error.details).toEqual({ file: 'preds.csv', line: 3, column: 3 });
    expect(parseError('label,score\n2.5,0.1\n', csv).message).toBe(
      'preds.csv:2:1: column "label": expected an integer label, got "2.5"',
    );
    expect(parseError('label,score\n1,\n', csv).message).toBe(
      'preds.csv:2:3: column "score": expected a number, got an empty field',
    );
    expect(parseError('label,score\n1,nan\n', csv).message).toBe(
      'preds.csv:2:3: column "score": expected a number, got "nan"',
    );
  });

  it('counts lines inside quoted fields', () => {
    const error = parseError('note,label,score\n"two\nlines",1,x\n', csv);
    expect(error.message).toBe('preds.csv:2:10: column "score": expected a number, got "x"');
  });

  it('reports a missing column with the header, and ragged or broken rows', () => {
    expect(parseError('label,prob\n1,0.5\n', csv).message).toBe(
      'preds.csv:1:1: no column "score" in the header (columns: label, prob)',
    );
    expect(parseError('label,score\n1,0.5,7\n', csv).message).toBe(
      'preds.csv:2:1: expected 2 fields as in the header, found 3',
    );
    expect(parseError('label,score\n1,"0.5\n', csv).message).toBe(
      'preds.csv:2:3: unterminated quoted field',
    );
    expect(parseError('label,score\n1,"0.5"x\n', csv).message).toBe(
      'preds.csv:2:8: unexpected character after a closing quote',
    );
  });

  it('refuses a file without data rows, and options without a score or prediction column', () => {
    const empty = parseError('label,score\n', csv);
    expect(empty.code).toBe('CAIRN_METRICS_EMPTY');
    expect(empty.message).toBe('preds.csv: no predictions (the file has no data rows)');
    const noColumn = parseError('label\n1\n', { format: 'csv', labelColumn: 'label' });
    expect(noColumn.code).toBe('CAIRN_METRICS_BAD_OPTION');
    expect(noColumn.message).toBe(
      'parsePredictions needs scoreColumn or predictionColumn (or both)',
    );
  });
});

const json = { format: 'json', labelColumn: 'y', scoreColumn: 'p', file: 'preds.json' } as const;

describe('parsePredictions: JSON', () => {
  it('reads an array of records or an object of columns', () => {
    const records = parsePredictions('[{"y": 1, "p": 0.7}, {"y": false, "p": 0.2}]', json);
    expect(Array.from(records.labels)).toEqual([1, 0]);
    expect(Array.from(records.scores ?? [])).toEqual([0.7, 0.2]);
    const columns = parsePredictions('{"y": [1, 0], "p": [0.7, 0.2], "id": ["a", "b"]}', json);
    expect(columns).toEqual(records);
  });

  it('points at the offending value of a record', () => {
    const text = '[\n  {"y": 1, "p": 0.7},\n  {"y": 0, "p": "0.2"}\n]';
    expect(parseError(text, json).message).toBe(
      'preds.json:3:17: record 1, field "p": expected a number, got string "0.2"',
    );
    expect(parseError('[{"y": 1}]', json).message).toBe(
      'preds.json:1:2: record 0: field "p" is missing',
    );
    expect(parseError('{"y": [1, 0], "p": [0.5, null]}', json).message).toBe(
      'preds.json:1:26: p[1]: expected a number, got null',
    );
    expect(parseError('{"y": [1, 0], "p": [0.5]}', json).message).toBe(
      'preds.json:1:20: field "p" has 1 values, the other columns 2',
    );
  });

  it('locates syntax errors, including those JSON.parse gives no position for', () => {
    expect(parseError('[{"y": 1, "p": 0.5},\n {"y": 0, "p": x}]', json).message).toBe(
      "preds.json:2:16: invalid JSON: Unexpected token 'x'",
    );
    expect(parseError('[{"y": 1, "p": 0.5}', json).message).toBe(
      "preds.json:1:20: invalid JSON: Expected ',' or ']' after array element",
    );
  });
});

describe('parsePredictions: JSON Lines', () => {
  const jsonl = { format: 'jsonl', labelColumn: 'y', scoreColumn: 'p', file: 'p.jsonl' } as const;

  it('reads one record per line, skipping blank lines', () => {
    const parsed = parsePredictions('{"y": 1, "p": 0.9}\n\n{"y": 0, "p": 0.1}\r\n', jsonl);
    expect(Array.from(parsed.labels)).toEqual([1, 0]);
    expect(Array.from(parsed.scores ?? [])).toEqual([0.9, 0.1]);
  });

  it('reports line and column of bad values and bad lines', () => {
    expect(parseError('{"y": 1, "p": 0.9}\n{"y": 1, "p": true}\n', jsonl).message).toBe(
      'p.jsonl:2:15: field "p": expected a number, got true',
    );
    expect(parseError('{"y": 1, "p": 0.9}\n{"y": 1 "p": 1}\n', jsonl).message).toBe(
      "p.jsonl:2:9: invalid JSON: Expected ',' or '}' after property value",
    );
    expect(parseError('{"y": 1, "p": 0.9}\n  [1, 0.5]\n', jsonl).message).toBe(
      'p.jsonl:2:3: expected an object, got a list',
    );
  });
});
