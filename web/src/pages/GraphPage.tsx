import { useMemo } from 'react';
import type { GraphView } from '../../../src/ui/api-types.js';
import { ErrorBox, Loading } from '../components/common.js';
import { useApi } from '../components/hooks.js';
import { edgePath, kindLabel, layoutGraph } from '../lib/graph-layout.js';
import { releaseApiPath, releaseHref } from '../lib/routes.js';

export function GraphPage({ namespace, release, query }: { readonly namespace: string; readonly release: string; readonly query: URLSearchParams }) {
  const context = query.get('context') ?? undefined;
  const graph = useApi<GraphView>(releaseApiPath(namespace, release, 'graph', { context }));
  const placed = useMemo(() => (graph.data ? layoutGraph(graph.data) : undefined), [graph.data]);
  return (
    <main>
      <h1>
        Dependency graph of <a href={releaseHref(namespace, release, undefined, { context })}>{release}</a> <span className="muted">in {namespace}</span>
      </h1>
      {graph.error && <ErrorBox error={graph.error} />}
      {graph.loading && <Loading />}
      {placed && graph.data && (
        <>
          <svg className="graph" role="img" aria-labelledby="graph-desc" width={placed.width} height={placed.height} viewBox={`0 0 ${placed.width} ${placed.height}`}>
            <desc id="graph-desc">
              {graph.data.edges.map((e) => `${e.from} depends on ${e.to} (${e.kinds.join(', ')})`).join('; ') || 'No dependencies.'}
            </desc>
            <defs>
              <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
                <path d="M0,0 L10,5 L0,10 z" className="arrow" />
              </marker>
            </defs>
            {placed.edges.map((e) => {
              const mid = e.points[Math.floor(e.points.length / 2)];
              return (
                <g key={`${e.from}->${e.to}`} className="edge">
                  <path d={edgePath(e.points)} markerEnd="url(#arrow)" />
                  {mid && <text x={mid.x + 6} y={mid.y}>{e.label}</text>}
                </g>
              );
            })}
            {placed.nodes.map((n) => (
              <g key={n.name} className={`node state-${n.state ?? 'unknown'}`} transform={`translate(${n.x - n.width / 2},${n.y - n.height / 2})`}>
                <rect width={n.width} height={n.height} rx="6" />
                <text x={n.width / 2} y="21" textAnchor="middle" className="name">{n.name}</text>
                <text x={n.width / 2} y="40" textAnchor="middle" className="kind">{kindLabel(n)}</text>
              </g>
            ))}
          </svg>
          <h2>Deploy waves</h2>
          <ol>
            {graph.data.waves.map((wave, i) => <li key={i}>{wave.join(', ')}</li>)}
          </ol>
        </>
      )}
    </main>
  );
}
