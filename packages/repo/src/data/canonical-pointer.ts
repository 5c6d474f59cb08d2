/**
 * Pointer files in the exact shape `cairn add` and `dvc add` write them, read without the YAML
 * parser: every data command reads every pointer file of the repository, and a repository with
 * thousands of them spent most of a `status` composing YAML documents and validating them
 * (0.6 ms a file). Anything else (comments, quoting, other keys, legacy entries, CRLF) is not
 * matched here and goes to the full parser and the `DvcFile` schema.
 *
 * The grammar below admits only values that schema accepts unchanged (lowercase md5s, sizes
 * that are safe integers, plain paths YAML reads as strings), so what it returns is what
 * `parseYaml(text, DvcFile)` returns; the tests hold the two to that.
 */
import type { DvcEntry, DvcFile } from '@cairn/types';

/** One output: md5, size, nfiles?, isexec?, `hash: md5`, then a plain path. */
const ENTRY =
  /- md5: ([0-9a-f]{32}(?:\.dir)?)\n {2}size: (\d{1,15})\n(?: {2}nfiles: (\d{1,15})\n)?( {2}isexec: true\n)? {2}hash: md5\n {2}path: ([A-Za-z0-9_][A-Za-z0-9_./-]*)\n/y;

/** Plain scalars that YAML 1.2's core schema reads as something other than a string. */
const NOT_A_STRING =
  /^(?:[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+|null|Null|NULL|true|True|TRUE|false|False|FALSE)$/;

const HEAD = 'outs:\n';

/** The pointer `text` holds when it has the canonical shape (validated), else undefined. */
export function parseCanonicalPointer(text: string): DvcFile | undefined {
  if (!text.startsWith(HEAD)) return undefined;
  const outs: DvcEntry[] = [];
  ENTRY.lastIndex = HEAD.length;
  while (ENTRY.lastIndex < text.length) {
    const m = ENTRY.exec(text);
    if (m === null) return undefined;
    const [, md5 = '', size = '', nfiles, isexec, path = ''] = m;
    if (NOT_A_STRING.test(path)) return undefined;
    const out: DvcEntry = { path, md5, size: Number(size), hash: 'md5' };
    if (nfiles !== undefined) out.nfiles = Number(nfiles);
    if (isexec !== undefined) out.isexec = true;
    outs.push(out);
  }
  return outs.length === 0 ? undefined : { outs };
}
