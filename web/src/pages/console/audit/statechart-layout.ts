/**
 * Lays the statechart out with ELK (elkjs, bundled by Vite: no network, no worker file to fetch):
 * stages as boxes holding their sub-states, edges routed across the hierarchy, each edge's label
 * placed by ELK too. Answers absolute coordinates, ready to draw as SVG.
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import type { Chart, ChartEdge, ChartNode } from './statechart-graph';

export interface PlacedNode extends ChartNode {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Has sub-states: drawn as a frame with its title on top. */
  compound: boolean;
}

export interface PlacedEdge extends ChartEdge {
  points: { x: number; y: number }[];
  labelLines: string[];
  labelX: number;
  labelY: number;
}

export interface Layout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

const FONT = 12;
const LINE = 16;
/** Width of a text at 12 px: CJK characters are square, the rest about half as wide. */
const textWidth = (text: string) => [...text].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? FONT : FONT * 0.6), 0);

/** The label's lines: the event, then its clauses a few at a time. */
function labelLines(edge: ChartEdge): string[] {
  const lines = [edge.clauses.length > 0 || edge.when ? (edge.label.split(' 〔')[0] ?? edge.label) : edge.label];
  for (let i = 0; i < edge.clauses.length; i += 6) lines.push(edge.clauses.slice(i, i + 6).join('、'));
  if (edge.when) lines.push(`当 ${edge.when}`);
  return lines;
}

interface ElkShape {
  id: string;
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  children?: ElkShape[];
  labels?: ElkShape[];
  text?: string;
  edges?: ElkEdgeShape[];
  layoutOptions?: Record<string, string>;
}
interface ElkEdgeShape {
  id: string;
  sources: string[];
  targets: string[];
  labels?: ElkShape[];
  sections?: {
    startPoint: { x: number; y: number };
    endPoint: { x: number; y: number };
    bendPoints?: { x: number; y: number }[];
  }[];
}

export async function layoutChart(chart: Chart): Promise<Layout> {
  const byParent = new Map<string | null, ChartNode[]>();
  for (const node of chart.nodes) byParent.set(node.parent, [...(byParent.get(node.parent) ?? []), node]);
  const shape = (node: ChartNode): ElkShape => {
    const children = byParent.get(node.path) ?? [];
    const stays = node.stays.length > 0 ? LINE * Math.ceil(node.stays.length / 2) : 0;
    if (children.length === 0)
      return {
        id: node.path,
        width: Math.max(textWidth(node.label) + 24, textWidth(`记录：${node.stays.slice(0, 2).join('、')}`) + 24, 120),
        height: 36 + stays,
      };
    return {
      id: node.path,
      children: children.map(shape),
      layoutOptions: { 'elk.padding': `[top=${32 + stays},left=12,bottom=12,right=12]` },
    };
  };
  const edges = chart.edges.map((edge) => {
    const lines = labelLines(edge);
    return {
      id: edge.id,
      sources: [edge.source],
      targets: [edge.target],
      labels: [
        {
          id: `${edge.id} label`,
          text: lines.join(' '),
          width: Math.max(...lines.map(textWidth)) + 8,
          height: lines.length * LINE + 4,
        },
      ],
    };
  });
  const graph: ElkShape = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '40',
      'elk.spacing.nodeNode': '30',
      'elk.spacing.edgeLabel': '4',
      'elk.edgeLabels.inline': 'false',
      // Stages in the order of the guide, top to bottom; edges back (RETURN, upheld objections) go up.
      'elk.layered.cycleBreaking.strategy': 'MODEL_ORDER',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.json.shapeCoords': 'ROOT',
      'elk.json.edgeCoords': 'ROOT',
    },
    children: (byParent.get(null) ?? []).map(shape),
    edges,
  };
  const elk = new ELK();
  const placed = (await elk.layout(graph as never)) as unknown as ElkShape;

  const nodes: PlacedNode[] = [];
  const nodeByPath = new Map(chart.nodes.map((n) => [n.path, n]));
  const collect = (s: ElkShape) => {
    const node = nodeByPath.get(s.id);
    if (node)
      nodes.push({
        ...node,
        x: s.x ?? 0,
        y: s.y ?? 0,
        width: s.width ?? 0,
        height: s.height ?? 0,
        compound: (s.children?.length ?? 0) > 0,
      });
    for (const child of s.children ?? []) collect(child);
  };
  collect(placed);
  const edgeById = new Map(chart.edges.map((e) => [e.id, e]));
  const placedEdges: PlacedEdge[] = [];
  const gather = (s: ElkShape) => {
    for (const e of s.edges ?? []) {
      const edge = edgeById.get(e.id);
      const section = e.sections?.[0];
      if (!edge || !section) continue;
      const label = e.labels?.[0];
      placedEdges.push({
        ...edge,
        points: [section.startPoint, ...(section.bendPoints ?? []), section.endPoint],
        labelLines: labelLines(edge),
        labelX: label?.x ?? section.startPoint.x,
        labelY: label?.y ?? section.startPoint.y,
      });
    }
    for (const child of s.children ?? []) gather(child);
  };
  gather(placed);
  return { width: placed.width ?? 0, height: placed.height ?? 0, nodes, edges: placedEdges };
}
