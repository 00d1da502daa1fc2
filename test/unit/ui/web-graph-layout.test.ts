import { edgePath, layoutGraph } from '../../../web/src/lib/graph-layout.js';

const node = (name: string, wave: number) => ({ name, kind: 'stateless', workload: 'Deployment', ports: [], wave }) as never;

describe('layoutGraph', () => {
  it('places a service above what it depends on, with no two nodes overlapping', () => {
    const layout = layoutGraph({
      nodes: [node('web', 2), node('api', 1), node('db', 0), node('cache', 0)],
      edges: [
        { from: 'web', to: 'api', kinds: ['http'], via: [] },
        { from: 'api', to: 'db', kinds: ['tcp'], via: [] },
        { from: 'api', to: 'cache', kinds: ['tcp'], via: [] },
      ] as never,
    });
    const at = Object.fromEntries(layout.nodes.map((n) => [n.name, n]));
    expect(at['web']!.y).toBeLessThan(at['api']!.y);
    expect(at['api']!.y).toBeLessThan(at['db']!.y);
    expect(at['db']!.y).toBe(at['cache']!.y);
    expect(Math.abs(at['db']!.x - at['cache']!.x)).toBeGreaterThanOrEqual((at['db']!.width + at['cache']!.width) / 2);
    for (const n of layout.nodes) {
      expect(n.x - n.width / 2).toBeGreaterThanOrEqual(0);
      expect(n.x + n.width / 2).toBeLessThanOrEqual(layout.width);
    }
    expect(layout.edges.map((e) => e.label)).toEqual(['http', 'tcp', 'tcp']);
    expect(layout.edges.every((e) => e.points.length >= 2)).toBe(true);
  });

  it('ignores edges to services that are not in the graph', () => {
    const layout = layoutGraph({ nodes: [node('a', 0)], edges: [{ from: 'a', to: 'gone', kinds: ['http'], via: [] }] as never });
    expect(layout.edges).toEqual([]);
    expect(layout.nodes).toHaveLength(1);
  });
});

describe('edgePath', () => {
  it('draws a path through the points', () => {
    expect(edgePath([{ x: 1, y: 2 }, { x: 3.25, y: 4 }])).toBe('M1.0,2.0 L3.3,4.0');
  });
});
