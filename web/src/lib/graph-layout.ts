import { Graph, layout } from '@dagrejs/dagre';
import type { GraphView } from '../../../src/ui/api-types.js';

export interface PlacedNode {
  readonly name: string;
  readonly kind: string;
  readonly workload?: string;
  readonly state?: string;
  /** Centre. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface PlacedEdge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

export interface GraphLayout {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
}

const NODE_HEIGHT = 52;
const CHAR_WIDTH = 8;
const MARGIN = 20;

/**
 * Positions for the dependency graph, top to bottom in dependency order (a service above what it depends on), by
 * dagre's layered layout. Pure: the page only draws the result as SVG.
 */
export function layoutGraph(view: Pick<GraphView, 'nodes' | 'edges'>): GraphLayout {
  const g = new Graph({ multigraph: false });
  g.setGraph({ rankdir: 'TB', nodesep: 40, ranksep: 60, marginx: MARGIN, marginy: MARGIN });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of view.nodes) {
    const width = Math.max(120, CHAR_WIDTH * Math.max(node.name.length, kindLabel(node).length) + 24);
    g.setNode(node.name, { width, height: NODE_HEIGHT });
  }
  const names = new Set(view.nodes.map((n) => n.name));
  for (const edge of view.edges) {
    if (names.has(edge.from) && names.has(edge.to) && edge.from !== edge.to) g.setEdge(edge.from, edge.to, { label: edge.kinds.join(', ') });
  }
  layout(g);
  const label = g.graph();
  const nodes = view.nodes.map((node): PlacedNode => {
    const placed = g.node(node.name);
    return {
      name: node.name,
      kind: node.kind,
      workload: node.workload,
      state: node.readiness?.state,
      x: placed.x,
      y: placed.y,
      width: placed.width,
      height: placed.height,
    };
  });
  const edges = view.edges
    .filter((edge) => g.hasEdge(edge.from, edge.to))
    .map((edge): PlacedEdge => ({ from: edge.from, to: edge.to, label: edge.kinds.join(', '), points: g.edge(edge.from, edge.to).points ?? [] }));
  return { width: label.width ?? 0, height: label.height ?? 0, nodes, edges };
}

export function kindLabel(node: { readonly kind: string; readonly workload?: string }): string {
  return node.workload ? `${node.kind} · ${node.workload}` : node.kind;
}

/** An SVG path through the edge's points. */
export function edgePath(points: readonly { readonly x: number; readonly y: number }[]): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
}
