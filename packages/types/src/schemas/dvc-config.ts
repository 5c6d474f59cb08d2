import { z } from 'zod';
import { LooseBoolean, LooseInt } from './common.js';

/**
 * `.dvc/config` and `.dvc/config.local` after INI parsing (configobj dialect): keys are lower-cased,
 * unquoted values with commas are lists, named sections (`remote "name"`) are grouped by kind.
 * Unknown sections and keys are rejected, as DVC does, so Cairn-only settings never land here.
 */

export const LinkType = z.enum(['reflink', 'hardlink', 'symlink', 'copy']);
export type LinkType = z.output<typeof LinkType>;

/** `type = reflink,copy` (one string) or an INI list; order matters. */
export const LinkTypeList = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : v,
  z.array(LinkType).min(1),
);

const str = z.string();

export const CoreSection = z.strictObject({
  remote: str.optional(),
  checksum_jobs: LooseInt.optional(),
  interactive: LooseBoolean.optional(),
  analytics: LooseBoolean.optional(),
  hardlink_lock: LooseBoolean.optional(),
  no_scm: LooseBoolean.optional(),
  autostage: LooseBoolean.optional(),
  check_update: LooseBoolean.optional(),
  site_cache_dir: str.optional(),
  machine: str.optional(),
});

export const CacheSection = z.strictObject({
  dir: str.optional(),
  type: LinkTypeList.optional(),
  shared: z.literal('group').optional(),
  slow_link_warning: LooseBoolean.optional(),
  verify: LooseBoolean.optional(),
  // Deprecated in DVC but still accepted.
  protected: LooseBoolean.optional(),
  local: str.optional(),
  s3: str.optional(),
  gs: str.optional(),
  ssh: str.optional(),
  hdfs: str.optional(),
  azure: str.optional(),
});

/**
 * A remote section. Options differ per URL scheme; `@cairn/remote-adapters` validates them per
 * driver. Values are strings (or lists) as the INI file holds them.
 */
export const RemoteSection = z
  .object({ url: z.string().min(1, 'a remote needs a url') })
  .catchall(z.union([z.string(), z.array(z.string()), z.boolean(), z.number()]));
export type RemoteSection = z.output<typeof RemoteSection>;

const Loose = z.record(z.string(), z.unknown());

export const DvcConfig = z.strictObject({
  core: CoreSection.optional(),
  cache: CacheSection.optional(),
  remote: z.record(z.string(), RemoteSection).optional(),
  machine: z.record(z.string(), Loose).optional(),
  db: z.record(z.string(), Loose).optional(),
  state: Loose.optional(),
  index: Loose.optional(),
  feature: Loose.optional(),
  plots: z
    .strictObject({
      html_template: str.optional(),
      auto_open: LooseBoolean.optional(),
      out_dir: str.optional(),
    })
    .optional(),
  exp: Loose.optional(),
  parsing: z
    .strictObject({
      bool: z.enum(['store_true', 'boolean_optional']).optional(),
      list: z.enum(['nargs', 'append']).optional(),
    })
    .optional(),
  hydra: Loose.optional(),
  studio: Loose.optional(),
});
export type DvcConfig = z.output<typeof DvcConfig>;
