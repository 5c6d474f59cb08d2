/**
 * The stage graph (dvc/repo/graph.py): a stage depends on another when one of its dependencies
 * (params files included) is one of the other's outputs, lies inside one (an output folder), or
 * contains one. Two outputs with the same path, or one inside another, are errors, as is a
 * cycle. Orders are DVC's post-order DFS from the stages in definition order, so they are stable.
 */
import { CairnError } from '@cairn/types';
import type { StagePath } from './stage.js';

/** What the graph needs from a node: a stage, or a `.dvc` pointer file (a data source). */
export interface DagNode {
  addressing: string;
  deps: readonly StagePath[];
  params?: ReadonlyArray<{ path: string }>;
  outs: readonly StagePath[];
}

export interface DagEdge<N extends DagNode> {
  /** The upstream node (producing `paths`). */
  from: N;
  /** The downstream node (depending on `paths`). */
  to: N;
  /** The dependency paths of `to` that link the two (repo-relative). */
  paths: string[];
}

export interface SelectOptions {
  /** Follow consumers instead of producers (`repro --downstream`). */
  downstream?: boolean;
  /** Take the whole connected pipeline of each target (`dag --full`, `repro -p`). */
  pipeline?: boolean;
}

export class Dag<N extends DagNode> {
  readonly nodes: readonly N[];
  readonly edges: ReadonlyArray<DagEdge<N>>;
  private readonly upstreamOf = new Map<N, N[]>();
  private readonly downstreamOf = new Map<N, N[]>();
  private readonly byAddressing = new Map<string, N>();

  constructor(nodes: readonly N[], edges: ReadonlyArray<DagEdge<N>>) {
    this.nodes = nodes;
    this.edges = edges;
    for (const node of nodes) {
      this.upstreamOf.set(node, []);
      this.downstreamOf.set(node, []);
      this.byAddressing.set(node.addressing, node);
    }
    for (const edge of edges) {
      this.upstreamOf.get(edge.to)?.push(edge.from);
      this.downstreamOf.get(edge.from)?.push(edge.to);
    }
  }

  get(addressing: string): N | undefined {
    return this.byAddressing.get(addressing);
  }

  /** Direct producers of `node`'s dependencies, in dependency order. */
  upstream(node: N): readonly N[] {
    return this.upstreamOf.get(node) ?? [];
  }

  /** Direct consumers of `node`'s outputs. */
  downstream(node: N): readonly N[] {
    return this.downstreamOf.get(node) ?? [];
  }

  /**
   * Every node, upstream before downstream: DVC's post-order depth-first search over the nodes
   * in definition order, visiting a node's producers in the order of its dependencies.
   */
  topologicalOrder(): N[] {
    const order: N[] = [];
    const done = new Set<N>();
    const visit = (node: N) => {
      if (done.has(node)) return;
      done.add(node);
      for (const up of this.upstream(node)) visit(up);
      order.push(node);
    };
    for (const node of this.nodes) visit(node);
    return order;
  }

  /**
   * The nodes to run for `targets`, in run order: their producers (transitively), or with
   * `downstream` their consumers, or with `pipeline` their whole connected pipelines.
   * No targets means every node.
   */
  select(targets: readonly N[], options: SelectOptions = {}): N[] {
    if (targets.length === 0) return this.topologicalOrder();
    const chosen = new Set<N>();
    const step = options.pipeline
      ? (n: N) => [...this.upstream(n), ...this.downstream(n)]
      : options.downstream
        ? (n: N) => this.downstream(n)
        : (n: N) => this.upstream(n);
    const stack = [...targets];
    while (stack.length > 0) {
      const node = stack.pop() as N;
      if (chosen.has(node)) continue;
      chosen.add(node);
      stack.push(...step(node));
    }
    return this.topologicalOrder().filter((n) => chosen.has(n));
  }

  /** The weakly connected components, each in node order (DVC's `get_pipelines`). */
  pipelines(): N[][] {
    const seen = new Set<N>();
    const out: N[][] = [];
    for (const start of this.nodes) {
      if (seen.has(start)) continue;
      const component = new Set<N>();
      const stack = [start];
      while (stack.length > 0) {
        const node = stack.pop() as N;
        if (component.has(node)) continue;
        component.add(node);
        stack.push(...this.upstream(node), ...this.downstream(node));
      }
      for (const n of component) seen.add(n);
      out.push(this.nodes.filter((n) => component.has(n)));
    }
    return out;
  }

  /** The graph restricted to `keep` (edges between kept nodes only). */
  subgraph(keep: Iterable<N>): Dag<N> {
    const set = new Set(keep);
    return new Dag(
      this.nodes.filter((n) => set.has(n)),
      this.edges.filter((e) => set.has(e.from) && set.has(e.to)),
    );
  }
}

/**
 * Builds and checks the graph: duplicate or overlapping outputs and cycles are
 * `CAIRN_PIPELINE_DUPLICATE_OUTPUT`, `CAIRN_PIPELINE_OVERLAPPING_OUTPUTS`, `CAIRN_PIPELINE_CYCLE`.
 */
export function buildDag<N extends DagNode>(nodes: readonly N[]): Dag<N> {
  const outputs = new OutputIndex<N>();
  for (const node of nodes) for (const out of node.outs) outputs.add(node, out);
  const edges: Array<DagEdge<N>> = [];
  for (const node of nodes) {
    const linked = new Map<N, string[]>();
    const depPaths = [...node.deps.map((d) => d.path), ...(node.params ?? []).map((p) => p.path)];
    for (const dep of depPaths) {
      for (const owner of outputs.overlapping(dep)) {
        const paths = linked.get(owner.node) ?? [];
        if (!paths.includes(dep)) paths.push(dep);
        linked.set(owner.node, paths);
      }
    }
    for (const [from, paths] of linked) edges.push({ from, to: node, paths });
  }
  const dag = new Dag(nodes, edges);
  checkAcyclic(dag);
  return dag;
}

interface Owner<N> {
  node: N;
  out: StagePath;
}

/** The folders above a path, nearest last: `a/b/c` → `''`, `a`, `a/b`. */
function ancestors(path: string): string[] {
  const parts = path.split('/');
  return ['', ...parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'))];
}

/**
 * Outputs by path, with every folder above each (DVC's outs trie): lookups in the depth of a
 * path instead of the number of outputs.
 */
class OutputIndex<N extends DagNode> {
  private readonly byPath = new Map<string, Owner<N>>();
  /** Folder → the outputs below it, in insertion order. */
  private readonly below = new Map<string, Array<Owner<N>>>();

  /** Adds an output; a duplicate or an output inside another is an error (trie.py). */
  add(node: N, out: StagePath): void {
    const existing = this.byPath.get(out.path);
    if (existing) {
      const stages =
        existing.node === node
          ? `stage '${node.addressing}'`
          : `stages '${existing.node.addressing}' and '${node.addressing}'`;
      throw new CairnError(
        'CAIRN_PIPELINE_DUPLICATE_OUTPUT',
        `output '${out.path}' is specified more than once, in ${stages}`,
        {
          hint: 'an output may belong to one stage only: remove it from all but one',
          details: { output: out.path, stages: [existing.node.addressing, node.addressing] },
        },
      );
    }
    const owner = { node, out };
    const child = this.below.get(out.path)?.[0];
    const parent = ancestors(out.path)
      .map((a) => this.byPath.get(a))
      .find((o) => o !== undefined);
    if (child) overlapError(owner, child);
    if (parent) overlapError(parent, owner);
    this.byPath.set(out.path, owner);
    for (const folder of ancestors(out.path)) {
      const list = this.below.get(folder) ?? [];
      list.push(owner);
      this.below.set(folder, list);
    }
  }

  /** Outputs equal to `path`, in a folder above it, or inside it. */
  overlapping(path: string): Array<Owner<N>> {
    const found: Array<Owner<N>> = [];
    for (const folder of [...ancestors(path), path]) {
      const owner = this.byPath.get(folder);
      if (owner) found.push(owner);
    }
    for (const owner of this.below.get(path) ?? []) if (!found.includes(owner)) found.push(owner);
    return found;
  }
}

function overlapError<N extends DagNode>(parent: Owner<N>, child: Owner<N>): never {
  throw new CairnError(
    'CAIRN_PIPELINE_OVERLAPPING_OUTPUTS',
    `The output paths '${parent.out.path}' ('${parent.node.addressing}') and ` +
      `'${child.out.path}' ('${child.node.addressing}') overlap and are thus in the same ` +
      'tracked directory.',
    {
      hint: 'to keep reproducibility, outputs should be in separate tracked directories or tracked individually',
      details: {
        outputs: [parent.out.path, child.out.path],
        stages: [parent.node.addressing, child.node.addressing],
      },
    },
  );
}

function checkAcyclic<N extends DagNode>(dag: Dag<N>): void {
  const state = new Map<N, 'active' | 'done'>();
  const path: N[] = [];
  const visit = (node: N): N[] | undefined => {
    state.set(node, 'active');
    path.push(node);
    for (const up of dag.upstream(node)) {
      const s = state.get(up);
      if (s === 'active') return path.slice(path.indexOf(up));
      if (s === undefined) {
        const cycle = visit(up);
        if (cycle) return cycle;
      }
    }
    path.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of dag.nodes) {
    if (state.has(node)) continue;
    const cycle = visit(node);
    if (!cycle) continue;
    // `cycle` runs from a node to its producers; show it in data-flow order.
    const flow = [...cycle].reverse();
    const files = flow.map((from, i) => {
      const to = flow[(i + 1) % flow.length] as N;
      const edge = dag.edges.find((e) => e.from === from && e.to === to);
      return edge?.paths.join(', ') ?? '';
    });
    const names = flow.map((n) => n.addressing);
    const part = names.length === 1 ? 'stage' : 'stages';
    const chain = flow
      .map((n, i) => `'${n.addressing}' -[${files[i]}]-> `)
      .join('')
      .concat(`'${flow[0]?.addressing}'`);
    throw new CairnError(
      'CAIRN_PIPELINE_CYCLE',
      `Same item(s) are defined as both a dependency and an output in ${part}: ${names.join(', ')} (${chain})`,
      {
        hint: 'a stage cannot depend, directly or through other stages, on its own outputs',
        details: { stages: names, files },
      },
    );
  }
}
