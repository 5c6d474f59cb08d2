/**
 * A capture: the raw record of one run of an agent or simulator, as a folder holding
 *
 * - `run.json`: one JSON object describing the run (`CaptureRun`);
 * - `steps.jsonl.gz`: gzip-compressed JSON Lines, one object per step (`CaptureStep`);
 * - `episodes.jsonl.gz`: gzip-compressed JSON Lines, one object per episode (`CaptureEpisode`);
 * - optionally any other files (videos, logs), copied as they are.
 *
 * Unknown fields are kept everywhere: capture writers add their own (observations, rewards).
 */
import { z } from 'zod';
import { NameSegment, NonNegativeInt } from './common.js';

/** `run.json`. `n_steps` and `n_episodes` must equal the line counts of the two line files. */
export const CaptureRun = z.looseObject({
  schema_version: z.literal(1).optional(),
  /** Names the run's folder once ingested: `data/captures/<experiment>/<run_id>/`. */
  run_id: NameSegment,
  experiment: NameSegment,
  n_steps: NonNegativeInt,
  n_episodes: NonNegativeInt,
  started_at: z.iso.datetime({ offset: true }).optional(),
  finished_at: z.iso.datetime({ offset: true }).optional(),
});
export type CaptureRun = z.output<typeof CaptureRun>;

/**
 * One line of `steps.jsonl.gz`. `episode` must name an episode of `episodes.jsonl.gz`; within
 * an episode, `step` counts 0, 1, 2… in file order (episodes may interleave).
 */
export const CaptureStep = z.looseObject({
  episode: NonNegativeInt,
  step: NonNegativeInt,
});
export type CaptureStep = z.output<typeof CaptureStep>;

/** One line of `episodes.jsonl.gz`: ids are unique, `n_steps` equals that episode's step lines. */
export const CaptureEpisode = z.looseObject({
  episode: NonNegativeInt,
  n_steps: NonNegativeInt,
});
export type CaptureEpisode = z.output<typeof CaptureEpisode>;
