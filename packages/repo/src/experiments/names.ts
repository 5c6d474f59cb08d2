/**
 * Automatic experiment names, `<adjective>-<noun>` like DVC's, but deterministic: the pair is
 * picked by a sha256 of a seed (the baseline and the run's overrides), and the next unused
 * pair is taken when that one exists. The same `exp run -S …` on the same commit therefore gets
 * the same first name, and a repeat gets the next one. Cairn's own word lists (64 × 64 pairs);
 * past 4,096 names a numeric suffix keeps them unique.
 */
import { createHash } from 'node:crypto';

// biome-ignore format: a word table reads best in rows
const ADJECTIVES = [
  'amber', 'bold', 'brisk', 'calm', 'clear', 'cool', 'crisp', 'dark',
  'deep', 'dry', 'eager', 'early', 'fair', 'fast', 'fine', 'firm',
  'fleet', 'fresh', 'glad', 'gold', 'grand', 'green', 'grey', 'hardy',
  'keen', 'kind', 'late', 'lean', 'light', 'live', 'lone', 'loud',
  'low', 'lucky', 'mild', 'neat', 'new', 'noble', 'odd', 'pale',
  'plain', 'prime', 'proud', 'quick', 'quiet', 'rapid', 'rare', 'red',
  'rich', 'ripe', 'round', 'sharp', 'shy', 'slow', 'smart', 'solid',
  'spry', 'stark', 'still', 'sunny', 'swift', 'tidy', 'warm', 'wild',
];

// biome-ignore format: a word table reads best in rows
const NOUNS = [
  'alder', 'aspen', 'badger', 'basin', 'beacon', 'birch', 'bison', 'brook',
  'canyon', 'cedar', 'cliff', 'comet', 'crane', 'creek', 'delta', 'dune',
  'eagle', 'ember', 'falcon', 'fern', 'fjord', 'forest', 'fox', 'glacier',
  'grove', 'harbor', 'hawk', 'heron', 'hill', 'island', 'lake', 'larch',
  'lynx', 'maple', 'marsh', 'meadow', 'mesa', 'moose', 'moss', 'oak',
  'orbit', 'otter', 'owl', 'peak', 'pine', 'pass', 'pond', 'prairie',
  'quartz', 'raven', 'reef', 'ridge', 'river', 'rock', 'sage', 'shore',
  'slope', 'spruce', 'stone', 'summit', 'tern', 'tundra', 'valley', 'willow',
];

const PAIRS = ADJECTIVES.length * NOUNS.length;

function pair(index: number): string {
  const i = index % PAIRS;
  return `${ADJECTIVES[Math.floor(i / NOUNS.length)]}-${NOUNS[i % NOUNS.length]}`;
}

/** The first name, in the seed's order, that `taken` does not hold. */
export function generateName(seed: string, taken: ReadonlySet<string>): string {
  const start = createHash('sha256').update(seed).digest().readUInt32BE(0) % PAIRS;
  for (let k = 0; k < PAIRS; k++) {
    const name = pair(start + k);
    if (!taken.has(name)) return name;
  }
  for (let n = 2; ; n++) {
    const name = `${pair(start)}-${n}`;
    if (!taken.has(name)) return name;
  }
}
