/**
 * `dag` output formats. Mermaid follows `dvc dag --mermaid` exactly (dvc/commands/dag.py):
 * `flowchart TD`, per connected pipeline its nodes sorted by name and numbered on from the
 * previous pipeline, then its edges sorted, upstream `-->` downstream. Dot follows
 * `dvc dag --dot` (networkx/pydot: `strict digraph  {`, quoted names, upstream `->` downstream).
 */
import type { Dag, DagNode } from './dag.js';
import { pyCompare as codePointCompare, pySort } from './py-value.js';

export function renderMermaid<N extends DagNode>(dag: Dag<N>, { markdown = false } = {}): string {
  let graph = 'flowchart TD';
  let total = 0;
  for (const pipeline of dag.pipelines()) {
    const ids = new Map<string, string>();
    for (const name of pySort(pipeline.map((n) => n.addressing))) {
      total += 1;
      ids.set(name, `node${total}`);
      graph += `\n\t${ids.get(name)}["${name}"]`;
    }
    const members = new Set(pipeline);
    const edges = dag.edges
      .filter((e) => members.has(e.from))
      .map((e) => [e.from.addressing, e.to.addressing] as const)
      .sort((p, q) => codePointCompare(p[0], q[0]) || codePointCompare(p[1], q[1]));
    for (const [a, b] of edges) graph += `\n\t${ids.get(a)}-->${ids.get(b)}`;
  }
  return markdown ? `\`\`\`mermaid\n${graph}\n\`\`\`` : graph;
}

function dotQuote(name: string): string {
  return name.startsWith('"') && name.endsWith('"') ? name : `"${name}"`;
}

export function renderDot<N extends DagNode>(dag: Dag<N>): string {
  const lines = ['strict digraph  {'];
  for (const node of dag.nodes) lines.push(`${dotQuote(node.addressing)};`);
  for (const node of dag.nodes) {
    for (const down of dag.nodes.filter((n) => dag.downstream(node).includes(n))) {
      lines.push(`${dotQuote(node.addressing)} -> ${dotQuote(down.addressing)};`);
    }
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/**
 * The plain-text view (DVC draws ASCII boxes; Cairn lists the stages in run order, each with
 * the stages it depends on).
 */
export function renderText<N extends DagNode>(dag: Dag<N>): string {
  const order = dag.topologicalOrder();
  const width = Math.max(0, ...order.map((n) => [...n.addressing].length));
  return order
    .map((n) => {
      const ups = dag.upstream(n).map((u) => u.addressing);
      return ups.length === 0
        ? n.addressing
        : `${n.addressing.padEnd(width)}  <- ${ups.join(', ')}`;
    })
    .join('\n');
}

export interface DagJson {
  nodes: Array<{ addressing: string; kind: string }>;
  edges: Array<{ from: string; to: string; paths: string[] }>;
}

export function dagToJson<N extends DagNode & { kind?: string }>(dag: Dag<N>): DagJson {
  return {
    nodes: dag
      .topologicalOrder()
      .map((n) => ({ addressing: n.addressing, kind: n.kind ?? 'stage' })),
    edges: dag.edges.map((e) => ({ from: e.from.addressing, to: e.to.addressing, paths: e.paths })),
  };
}
