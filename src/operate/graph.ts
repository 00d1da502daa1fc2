import type { EdgeKind, KubeObject, ServiceInfo, ServiceKind, ServicePort } from '../model/manifest-set.js';
import { LABEL_NAME } from '../model/manifest-set.js';
import { computeWaves } from '../model/plan.js';

/**
 * `berth graph`: an application's services as a graph — kinds, ports, and the edges synth computed from the
 * construct tree (ServiceInfo.edges) — with the deploy waves, which follow `dependsOn` edges only. For a deployed
 * release each node also carries its live readiness. Pure: the same JSON feeds the text, DOT and Mermaid
 * renderers and the web console.
 */

export interface NodeReadiness {
  readonly state: 'ready' | 'waiting' | 'failed' | 'missing';
  readonly message: string;
  readonly pods: { readonly ready: number; readonly total: number };
}

export interface GraphNode {
  readonly name: string;
  readonly kind: ServiceKind;
  /** The main object's kind: Deployment, StatefulSet, DaemonSet, Job or CronJob. */
  readonly workload?: string;
  readonly ports: readonly ServicePort[];
  /** Index into `waves`. */
  readonly wave: number;
  readonly readiness?: NodeReadiness;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly kinds: readonly EdgeKind[];
  readonly via: readonly string[];
}

export interface ServiceGraph {
  readonly app: string;
  readonly release?: string;
  readonly namespace?: string;
  readonly revision?: number;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  /** Deploy waves: services applied together, each wave once the previous one is ready. */
  readonly waves: readonly (readonly string[])[];
  /**
   * `Kind/name` of the objects no service claims (escape-hatch objects at the Application root): applied with the
   * first wave, selected by `--only _release`. Absent when there are none.
   */
  readonly releaseLevel?: readonly string[];
}

const WORKLOADS = ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job'];

/** The graph of a manifest set or a revision (`services` + `objects`). */
export function buildGraph(input: {
  readonly app: string;
  readonly services: readonly ServiceInfo[];
  readonly objects: readonly KubeObject[];
  readonly release?: string;
  readonly namespace?: string;
  readonly revision?: number;
  readonly readiness?: ReadonlyMap<string, NodeReadiness>;
}): ServiceGraph {
  const waves = computeWaves(input.services);
  const waveOf = new Map(waves.flatMap((w, i) => w.map((s) => [s, i] as const)));
  const nodes = input.services.map((s): GraphNode => {
    const workload = WORKLOADS.find((k) => input.objects.some((o) => o.kind === k && o.metadata.labels?.[LABEL_NAME] === s.name));
    const readiness = input.readiness?.get(s.name);
    return { name: s.name, kind: s.kind, ...(workload ? { workload } : {}), ports: s.ports ?? [], wave: waveOf.get(s.name) ?? 0, ...(readiness ? { readiness } : {}) };
  });
  const edges = input.services.flatMap((s): GraphEdge[] =>
    // Revisions recorded before edges existed still have dependsOn.
    (s.edges ?? s.dependsOn.map((to) => ({ to, kinds: ['dependsOn' as const], via: [] }))).map((e) => ({ from: s.name, to: e.to, kinds: [...e.kinds], via: [...e.via] })),
  );
  const services = new Set(input.services.map((s) => s.name));
  const releaseLevel = input.objects
    .filter((o) => !services.has(o.metadata.labels?.[LABEL_NAME] ?? ''))
    .map((o) => `${o.kind}/${o.metadata.name}`)
    .sort();
  return {
    app: input.app,
    ...(input.release ? { release: input.release } : {}),
    ...(input.namespace ? { namespace: input.namespace } : {}),
    ...(input.revision ? { revision: input.revision } : {}),
    nodes,
    edges,
    waves,
    ...(releaseLevel.length > 0 ? { releaseLevel } : {}),
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function portsText(ports: readonly ServicePort[]): string {
  return ports.map((p) => `${p.name ? `${p.name} ` : ''}${p.port}${p.targetPort !== undefined && p.targetPort !== p.port ? `→${p.targetPort}` : ''}`).join(', ');
}

function edgeLabel(e: GraphEdge): string {
  const refs = e.via.length > 0 ? e.via.map((v) => v.replace(/^(config|env) /, '')).join(', ') : '';
  return e.kinds.includes('dependsOn') ? (refs ? `dependsOn; ${refs}` : 'dependsOn') : refs;
}

function readinessText(r: NodeReadiness | undefined): string {
  if (!r) return '';
  return ` [${r.state}${r.pods.total > 0 ? ` ${r.pods.ready}/${r.pods.total} pods` : ''}]`;
}

/** One block per service: kind, ports, readiness, then its edges. */
export function renderText(g: ServiceGraph, options: { waves?: boolean } = {}): string {
  const lines: string[] = [
    `${g.app}${g.release ? ` (release ${g.namespace}/${g.release}${g.revision ? `, revision ${g.revision}` : ''})` : ''}: ${plural(g.nodes.length, 'service')}, ${plural(g.edges.length, 'edge')}`,
  ];
  for (const n of g.nodes) {
    lines.push('');
    lines.push(`${n.name}  ${n.kind}${n.workload ? ` ${n.workload}` : ''}${n.ports.length ? `  ports ${portsText(n.ports)}` : ''}  wave ${n.wave + 1}${readinessText(n.readiness)}`);
    for (const e of g.edges.filter((x) => x.from === n.name)) {
      lines.push(`  → ${e.to}  (${[...(e.kinds.includes('dependsOn') ? ['dependsOn'] : []), ...e.via].join(', ')})`);
    }
  }
  if (g.releaseLevel) lines.push('', `_release  ${plural(g.releaseLevel.length, 'object')} of no service  wave 1`, `  ${g.releaseLevel.join(', ')}`);
  if (options.waves) lines.push('', ...renderWaves(g).trimEnd().split('\n'));
  return `${lines.join('\n')}\n`;
}

/** `wave 1: cache, db` ... — the order deploy applies services in. */
export function renderWaves(g: ServiceGraph): string {
  return g.waves.map((w, i) => `wave ${i + 1}: ${w.join(', ')}`).join('\n') + '\n';
}

const dotId = (s: string) => JSON.stringify(s);

/** Graphviz DOT: solid edges for dependsOn, dashed for references found in config; clusters per wave. */
export function renderDot(g: ServiceGraph): string {
  const lines = [`digraph ${dotId(g.release ?? g.app)} {`, '  rankdir=LR;', '  node [shape=box, style=rounded, fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];'];
  g.waves.forEach((w, i) => {
    lines.push(`  subgraph ${dotId(`cluster_wave_${i + 1}`)} {`, `    label=${dotId(`wave ${i + 1}`)};`, '    style=dashed;');
    for (const name of w) {
      const n = g.nodes.find((x) => x.name === name)!;
      const label = [n.name, `${n.kind}${n.workload ? ` (${n.workload})` : ''}`, ...(n.ports.length ? [portsText(n.ports)] : []), ...(n.readiness ? [readinessText(n.readiness).trim()] : [])].join('\\n');
      const color = n.readiness ? { ready: 'darkgreen', waiting: 'orange', failed: 'red', missing: 'gray' }[n.readiness.state] : undefined;
      lines.push(`    ${dotId(n.name)} [label="${label.replace(/"/g, '\\"')}"${color ? `, color=${color}` : ''}];`);
    }
    lines.push('  }');
  });
  for (const e of g.edges) {
    const dashed = !e.kinds.includes('dependsOn');
    const label = edgeLabel(e);
    lines.push(`  ${dotId(e.from)} -> ${dotId(e.to)} [${[label ? `label=${dotId(label)}` : '', dashed ? 'style=dashed' : ''].filter(Boolean).join(', ')}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Mermaid ids allow letters, digits and `_`. */
const mermaidId = (s: string) => s.replace(/[^A-Za-z0-9_]/g, '_');
const mermaidText = (s: string) => s.replace(/"/g, '#quot;');

/** Mermaid flowchart: one subgraph per wave, `-->` for dependsOn, `-.->` for references found in config. */
export function renderMermaid(g: ServiceGraph): string {
  const lines = ['flowchart LR'];
  g.waves.forEach((w, i) => {
    lines.push(`  subgraph wave${i + 1}["wave ${i + 1}"]`);
    for (const name of w) {
      const n = g.nodes.find((x) => x.name === name)!;
      const label = [n.name, `${n.kind}${n.workload ? ` ${n.workload}` : ''}`, ...(n.ports.length ? [portsText(n.ports)] : []), ...(n.readiness ? [readinessText(n.readiness).trim()] : [])]
        .map(mermaidText)
        .join('<br/>');
      lines.push(`    ${mermaidId(n.name)}["${label}"]`);
    }
    lines.push('  end');
  });
  for (const e of g.edges) {
    const label = edgeLabel(e);
    const arrow = e.kinds.includes('dependsOn') ? (label ? `-- "${mermaidText(label)}" -->` : '-->') : label ? `-. "${mermaidText(label)}" .->` : '-.->';
    lines.push(`  ${mermaidId(e.from)} ${arrow} ${mermaidId(e.to)}`);
  }
  const states = g.nodes.filter((n) => n.readiness);
  if (states.length > 0) {
    lines.push('  classDef ready stroke:#2e7d32,stroke-width:2px', '  classDef waiting stroke:#ef6c00,stroke-width:2px', '  classDef failed stroke:#c62828,stroke-width:2px', '  classDef missing stroke:#757575,stroke-dasharray:4');
    for (const n of states) lines.push(`  class ${mermaidId(n.name)} ${n.readiness!.state}`);
  }
  return `${lines.join('\n')}\n`;
}
