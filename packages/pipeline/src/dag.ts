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

function isInside(path: string, dir: string): boolean {
  return dir === '' || path === dir || path.startsWith(`${dir}/`);
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
  const owners = indexOutputs(nodes);
  const edges: Array<DagEdge<N>> = [];
  for (const node of nodes) {
    const linked = new Map<N, string[]>();
    const depPaths = [...node.deps.map((d) => d.path), ...(node.params ?? []).map((p) => p.path)];
    for (const dep of depPaths) {
      for (const { owner } of owners) {
        const out = owner.out.path;
        if (isInside(dep, out) || isInside(out, dep)) {
          const paths = linked.get(owner.node) ?? [];
          if (!paths.includes(dep)) paths.push(dep);
          linked.set(owner.node, paths);
        }
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

function indexOutputs<N extends DagNode>(nodes: readonly N[]): Array<{ owner: Owner<N> }> {
  const byPath = new Map<string, Owner<N>>();
  const all: Array<{ owner: Owner<N> }> = [];
  for (const node of nodes) {
    for (const out of node.outs) {
      const existing = byPath.get(out.path);
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
      for (const other of byPath.values()) {
        const [parent, child] = isInside(out.path, other.out.path)
          ? [other, { node, out }]
          : isInside(other.out.path, out.path)
            ? [{ node, out }, other]
            : [undefined, undefined];
        if (parent && child) {
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
      }
      const owner = { node, out };
      byPath.set(out.path, owner);
      all.push({ owner });
    }
  }
  return all;
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
