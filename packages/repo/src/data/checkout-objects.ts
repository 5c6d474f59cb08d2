/**
 * The cache objects a checkout places, and what vouches for each before it reaches the
 * workspace: its `lstat` matching what the state index recorded when it hashed to its name, or a
 * fresh hash. Objects placed one by one are verified before anything is written; the many small
 * objects of a bulk placement carry their recorded stat instead, and the thread that links or
 * copies one compares it right before (`UNVERIFIED` otherwise), which saves a pass of 20,000
 * `lstat` calls over a folder of 20,000 files.
 */
import type { FileStat, HashName, ObjectCheck } from '@cairn/cache';
import type { DataContext } from './context.js';

export interface CheckoutObject {
  md5: string;
  hashName: HashName;
  /** Its path in the cache. */
  src: string;
  /** The stat it has (verified) or must have (recorded; compared when placed in bulk). */
  stat?: FileStat;
  /** Undefined until verified; only an 'ok' object is ever placed. */
  verdict?: ObjectCheck;
}

export class CheckoutObjects {
  private readonly byHash = new Map<HashName, Map<string, CheckoutObject>>();
  /** Objects used by a write that is not placed in bulk: verified by `prepare`. */
  private readonly upFront = new Set<CheckoutObject>();

  constructor(private readonly ctx: DataContext) {}

  /** The object `md5` names; `inBulk` when this use may verify it as it is placed. */
  use(md5: string, hashName: HashName, inBulk: boolean): CheckoutObject {
    let objects = this.byHash.get(hashName);
    if (objects === undefined) {
      objects = new Map();
      this.byHash.set(hashName, objects);
    }
    let object = objects.get(md5);
    if (object === undefined) {
      object = { md5, hashName, src: this.ctx.store.path(md5, hashName) };
      objects.set(md5, object);
    }
    if (!inBulk) this.upFront.add(object);
    return object;
  }

  /**
   * Verifies every object that cannot wait (its `lstat`, and its hashing when the object index
   * does not vouch for it, shared among the pool's threads), and gives the others the stat
   * recorded for them. An object with nothing recorded, or empty, is verified now too. Objects
   * a call before prepared (or verified) are left as they are.
   */
  async prepare(): Promise<void> {
    for (const [hashName, objects] of this.byHash) {
      const all = [...objects.values()].filter(
        (o) => o.verdict === undefined && o.stat === undefined,
      );
      const recorded = this.ctx.store.recordedStats(
        all.map((o) => o.md5),
        hashName,
      );
      const now: CheckoutObject[] = [];
      all.forEach((object, i) => {
        const stat = recorded[i];
        if (this.upFront.has(object) || stat === undefined || stat.size === 0) now.push(object);
        else object.stat = stat;
      });
      if (now.length === 0) continue;
      const checked = await this.ctx.store.checkMany(
        now.map((o) => o.md5),
        hashName,
        this.ctx.pool(),
      );
      now.forEach((object, i) => {
        const { verdict, stat } = checked[i] as (typeof checked)[number];
        object.verdict = verdict;
        object.stat = stat;
      });
      this.ctx.signal?.throwIfAborted();
    }
  }

  /** Verifies an object now unless that is done (it is hashed unless the state vouches for it). */
  async verify(object: CheckoutObject): Promise<ObjectCheck> {
    if (object.verdict === undefined) {
      // A recorded stat is not the object's own until compared: the check does not return it.
      object.stat = undefined;
      object.verdict = await this.ctx.store.check(object.md5, object.hashName);
    }
    return object.verdict;
  }

  /** The bulk placement found the object's stat changed: verify it again before any use. */
  distrust(object: CheckoutObject): void {
    object.stat = undefined;
    object.verdict = undefined;
  }
}
