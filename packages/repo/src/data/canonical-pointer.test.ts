import { DvcFile, parseYaml } from '@cairn/types';
import { describe, expect, it } from 'vitest';
import vectors from '../../test/fixtures/dvc-test-vectors.json' with { type: 'json' };
import { parseCanonicalPointer } from './canonical-pointer.js';
import {
  type EntryHash,
  newPointerText,
  updateCanonicalPointer,
  updatePointerDocument,
} from './pointer.js';

const full = (text: string) => parseYaml(text, DvcFile, { file: 'x.dvc' });
const md5 = 'acbd18db4cc2f85cedef654fccc4a4d8';

/** xorshift32 from `seed`: a fixed sequence, so a failure names a text that fails again. */
function randomFrom(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
}

describe('parseCanonicalPointer', () => {
  it('reads what add writes exactly as the YAML parser does', () => {
    const texts = [
      vectors.texts['foo.dvc'],
      vectors.texts['data.dvc(foo,bar)'],
      newPointerText('data.csv', { md5, size: 3 }),
      newPointerText('run.sh', { md5, size: 0, isexec: true }),
      newPointerText('images', { md5: `${md5}.dir`, size: 1234567890123, nfiles: 20000 }),
      newPointerText('2024-01_raw.v2', { md5, size: 7 }),
      newPointerText('Null_1', { md5, size: 7 }),
      // Two outputs in one pointer file.
      `${newPointerText('a', { md5, size: 1 })}${newPointerText('b/c', { md5, size: 2 }).slice(6)}`,
    ];
    for (const text of texts) {
      const fast = parseCanonicalPointer(text);
      expect(fast, text).toBeDefined();
      expect(fast).toEqual(full(text));
    }
  });

  it('agrees with the YAML parser on random pointers, whenever it takes one', () => {
    const random = randomFrom(42);
    // Mostly characters a plain path may hold, now and then one that needs quoting.
    const safe = 'abxoE09_./-';
    const risky = ': #\'"+';
    const char = () => (random(8) === 0 ? risky[random(risky.length)] : safe[random(safe.length)]);
    const words = ['1', '12.5', '0x1F', '0o7', '1e3', 'true', 'Null', 'null', '.nan', 'yes'];
    let taken = 0;
    for (let k = 0; k < 1000; k++) {
      const path =
        random(4) === 0
          ? (words[random(words.length)] as string)
          : Array.from({ length: 1 + random(12) }, char).join('');
      const hex = Array.from({ length: 32 }, () => '0123456789abcdef'[random(16)]).join('');
      const dir = random(2) === 0;
      const text = [
        'outs:',
        `- md5: ${hex}${dir ? '.dir' : ''}`,
        `  size: ${random(1_000_000)}`,
        ...(dir ? [`  nfiles: ${random(1000)}`] : []),
        ...(random(5) === 0 ? ['  isexec: true'] : []),
        '  hash: md5',
        `  path: ${path}`,
        '',
      ].join('\n');
      const fast = parseCanonicalPointer(text);
      if (fast === undefined) continue;
      taken++;
      expect(fast, text).toEqual(full(text));
    }
    expect(taken).toBeGreaterThan(200);
  });

  it('leaves every other shape to the YAML parser, which still reads it', () => {
    const canonical = newPointerText('data.csv', { md5, size: 3 });
    const others = [
      canonical.replace('data.csv', 'my data.csv'),
      canonical.replace('data.csv', "'data.csv'"),
      canonical.replace('  hash: md5\n', ''), // a legacy (DVC 2) entry
      canonical.replace(md5, md5.toUpperCase()),
      `# tracked by dvc\n${canonical}`,
      `${canonical}  desc: raw export\n`,
      `${canonical}meta:\n  owner: ml\n`,
      canonical.replaceAll('\n', '\r\n'),
      `\ufeff${canonical}`,
    ];
    for (const text of others) {
      expect(parseCanonicalPointer(text), text).toBeUndefined();
      expect(() => full(text)).not.toThrow();
    }
    // Paths YAML reads as numbers, booleans or null: the full parser reports them, at their line.
    for (const path of ['123', '1.5e3', '0x1f', '0o17', 'true', 'FALSE', 'null']) {
      const text = canonical.replace('data.csv', path);
      expect(parseCanonicalPointer(text), text).toBeUndefined();
      expect(() => full(text)).toThrow(expect.objectContaining({ code: 'CAIRN_SCHEMA' }));
    }
    // Not a pointer at all, or an invalid one: the full parser reports it.
    expect(parseCanonicalPointer('outs:\n')).toBeUndefined();
    expect(parseCanonicalPointer(canonical.replace('size: 3', 'size: 1234567890123456'))).toBe(
      undefined,
    );
  });

  it('updates a canonical pointer to the same text as the YAML document update', () => {
    const random = randomFrom(7);
    const hashOf = (): EntryHash => {
      const hex = Array.from({ length: 32 }, () => '0123456789abcdef'[random(16)]).join('');
      const dir = random(3) === 0;
      return {
        md5: dir ? `${hex}.dir` : hex,
        size: random(10_000_000),
        ...(dir ? { nfiles: random(5000) } : {}),
        ...(!dir && random(4) === 0 ? { isexec: true } : {}),
      };
    };
    let taken = 0;
    for (let k = 0; k < 300; k++) {
      const outs = 1 + random(3);
      const text = `outs:\n${Array.from({ length: outs }, (_, i) =>
        newPointerText(`out_${k}.${i}`, hashOf()).slice('outs:\n'.length),
      ).join('')}`;
      const index = random(outs);
      const hash = hashOf();
      const fast = updateCanonicalPointer(text, index, hash);
      if (fast === undefined) continue; // a key added or dropped: the document update does it
      taken++;
      expect(fast, text).toBe(updatePointerDocument(text, index, hash));
    }
    expect(taken).toBeGreaterThan(100);
  });
});
