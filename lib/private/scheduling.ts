import type { IConstruct } from 'constructs';
import { isIP } from 'node:net';
import type * as k8s from '../imports/k8s-lib.js';
import type { WorkloadKind } from '../contract.js';
import type { AntiAffinityOptions, Spread, SpreadOptions } from '../scheduling.js';
import type { WorkloadProps } from '../workload.js';
import { propError } from './errors.js';
import { dns1123SubdomainProblem } from './naming.js';
import { checkInt } from './validate.js';

const TOPOLOGY_KEYS: Record<string, string> = { nodes: 'kubernetes.io/hostname', zones: 'topology.kubernetes.io/zone' };
const DNS_POLICIES = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];
/** A qualified label key: `[prefix/]name`. */
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** The `spread` prop as a list of options. */
function spreads(spread: WorkloadProps['spread']): SpreadOptions[] {
  if (spread === undefined) return [];
  const list: readonly Spread[] = Array.isArray(spread) ? spread : [spread as Spread];
  return list.map((s) => (typeof s === 'string' ? { across: s } : s));
}

function topologyKey(across: string): string {
  return TOPOLOGY_KEYS[across] ?? across;
}

/** Checks the scheduling and DNS props at construction; `kind` because a DaemonApp places its pods itself. */
export function checkScheduling(scope: IConstruct, kind: WorkloadKind, p: WorkloadProps): void {
  if (kind === 'daemon') {
    for (const prop of ['spread', 'topologySpreadConstraints', 'antiAffinity'] as const) {
      if (p[prop] !== undefined) throw propError(scope, prop, p[prop], 'does not apply to a DaemonApp: it runs one pod on every matching node; remove it');
    }
  }
  const seen = new Map<string, string>();
  const claim = (prop: string, key: string, when: string) => {
    const other = seen.get(`${key} ${when}`);
    if (other !== undefined) {
      throw propError(scope, prop, key, `spreads over the same topology with the same whenUnsatisfiable as '${other}', which the API server refuses: keep one`);
    }
    seen.set(`${key} ${when}`, prop);
  };
  for (const [i, s] of spreads(p.spread).entries()) {
    const at = Array.isArray(p.spread) ? `spread[${i}]` : 'spread';
    const given = Array.isArray(p.spread) ? p.spread[i] : p.spread;
    if (typeof given === 'string' && !(given in TOPOLOGY_KEYS)) {
      throw propError(scope, at, given, "must be 'nodes', 'zones' or { across: '<node label key>' }, e.g. { across: 'topology.kubernetes.io/region' }");
    }
    if (typeof s !== 'object' || s === null || typeof s.across !== 'string') {
      throw propError(scope, at, s, "must be 'nodes', 'zones' or { across: 'nodes' | 'zones' | '<node label key>', maxSkew?, whenUnsatisfiable? }");
    }
    if (!LABEL_KEY.test(s.across)) throw propError(scope, `${at}.across`, s.across, "must be 'nodes', 'zones' or a node label key, e.g. 'topology.kubernetes.io/region'");
    checkInt(scope, `${at}.maxSkew`, s.maxSkew, 1);
    if (s.whenUnsatisfiable !== undefined && s.whenUnsatisfiable !== 'ScheduleAnyway' && s.whenUnsatisfiable !== 'DoNotSchedule') {
      throw propError(scope, `${at}.whenUnsatisfiable`, s.whenUnsatisfiable, "must be 'ScheduleAnyway' or 'DoNotSchedule'");
    }
    checkInt(scope, `${at}.minDomains`, s.minDomains, 1);
    if (s.minDomains !== undefined && s.whenUnsatisfiable !== 'DoNotSchedule') {
      throw propError(scope, `${at}.minDomains`, s.minDomains, "only applies with whenUnsatisfiable: 'DoNotSchedule': set it, or remove minDomains");
    }
    claim(`${at}.across`, topologyKey(s.across), s.whenUnsatisfiable ?? 'ScheduleAnyway');
  }
  for (const [i, c] of (p.topologySpreadConstraints ?? []).entries()) claim(`topologySpreadConstraints[${i}].topologyKey`, c.topologyKey, c.whenUnsatisfiable);
  checkAntiAffinity(scope, p);
  if (p.priorityClassName !== undefined) {
    const problem = typeof p.priorityClassName === 'string' ? dns1123SubdomainProblem(p.priorityClassName) : 'must be a string';
    if (problem) throw propError(scope, 'priorityClassName', p.priorityClassName, problem);
  }
  checkDns(scope, p);
  for (const [i, a] of (p.hostAliases ?? []).entries()) {
    if (typeof a?.ip !== 'string' || isIP(a.ip) === 0) throw propError(scope, `hostAliases[${i}].ip`, a?.ip, "must be an IPv4 or IPv6 address, e.g. '10.0.0.5'");
    if (!Array.isArray(a.hostnames) || a.hostnames.length === 0) {
      throw propError(scope, `hostAliases[${i}].hostnames`, a.hostnames, "must list at least one host name, e.g. ['db.legacy.internal']");
    }
    for (const [j, h] of a.hostnames.entries()) {
      const problem = typeof h === 'string' ? dns1123SubdomainProblem(h) : 'must be a string';
      if (problem) throw propError(scope, `hostAliases[${i}].hostnames[${j}]`, h, problem);
    }
  }
}

function antiAffinityOptions(a: WorkloadProps['antiAffinity']): Required<AntiAffinityOptions> | undefined {
  if (a === undefined) return undefined;
  const o: AntiAffinityOptions = typeof a === 'string' ? { mode: a } : a;
  return { mode: o.mode ?? 'preferred', across: o.across ?? 'nodes' };
}

const ANTI_AFFINITY_LIST = {
  preferred: 'preferredDuringSchedulingIgnoredDuringExecution',
  required: 'requiredDuringSchedulingIgnoredDuringExecution',
} as const;

function checkAntiAffinity(scope: IConstruct, p: WorkloadProps): void {
  if (p.antiAffinity === undefined) return;
  if (typeof p.antiAffinity !== 'string' && (typeof p.antiAffinity !== 'object' || p.antiAffinity === null)) {
    throw propError(scope, 'antiAffinity', p.antiAffinity, "must be 'preferred', 'required' or { mode, across }");
  }
  const o = antiAffinityOptions(p.antiAffinity)!;
  if (o.mode !== 'preferred' && o.mode !== 'required') {
    throw propError(scope, typeof p.antiAffinity === 'string' ? 'antiAffinity' : 'antiAffinity.mode', o.mode, "must be 'preferred' or 'required'");
  }
  if (typeof o.across !== 'string' || !LABEL_KEY.test(o.across)) {
    throw propError(scope, 'antiAffinity.across', o.across, "must be 'nodes', 'zones' or a node label key");
  }
  const list = ANTI_AFFINITY_LIST[o.mode];
  if (p.affinity?.podAntiAffinity?.[list] !== undefined) {
    throw propError(scope, 'antiAffinity', p.antiAffinity, `sets 'affinity.podAntiAffinity.${list}', which 'affinity' sets already: write the term there, or drop it from 'affinity'`);
  }
}

function checkDns(scope: IConstruct, p: WorkloadProps): void {
  if (p.dnsPolicy !== undefined && !DNS_POLICIES.includes(p.dnsPolicy)) {
    throw propError(scope, 'dnsPolicy', p.dnsPolicy, `must be one of ${DNS_POLICIES.map((d) => `'${d}'`).join(', ')}`);
  }
  const c = p.dnsConfig;
  if (p.dnsPolicy === 'None' && !(c?.nameservers && c.nameservers.length > 0)) {
    throw propError(scope, 'dnsPolicy', 'None', "gives the pods no resolver of their own: list at least one server in 'dnsConfig.nameservers'");
  }
  if (c === undefined) return;
  if ((c.nameservers?.length ?? 0) > 3) throw propError(scope, 'dnsConfig.nameservers', c.nameservers, 'lists more than 3 servers, the most a resolver uses');
  for (const [i, ns] of (c.nameservers ?? []).entries()) {
    if (typeof ns !== 'string' || isIP(ns) === 0) throw propError(scope, `dnsConfig.nameservers[${i}]`, ns, "must be an IP address, e.g. '10.96.0.10'");
  }
  if ((c.searches?.length ?? 0) > 32) throw propError(scope, 'dnsConfig.searches', c.searches, 'lists more than 32 domains, the most the API server accepts');
  for (const [i, s] of (c.searches ?? []).entries()) {
    const problem = typeof s === 'string' ? dns1123SubdomainProblem(s.replace(/\.$/, '')) : 'must be a string';
    if (problem) throw propError(scope, `dnsConfig.searches[${i}]`, s, problem);
  }
  for (const [name, value] of Object.entries(c.options ?? {})) {
    if (name === '' || typeof value !== 'string') throw propError(scope, `dnsConfig.options.${name}`, value, "must be a string; '' for an option without a value");
  }
}

/** What the pod spec gets from the scheduling props; `selector` are the workload's selector labels. */
export function renderScheduling(p: WorkloadProps, selector: Readonly<Record<string, string>>): Partial<k8s.PodSpec> {
  const labelSelector = { matchLabels: { ...selector } };
  const constraints: k8s.TopologySpreadConstraint[] = [
    ...spreads(p.spread).map((s) => ({
      topologyKey: topologyKey(s.across),
      maxSkew: s.maxSkew ?? 1,
      whenUnsatisfiable: s.whenUnsatisfiable ?? 'ScheduleAnyway',
      minDomains: s.minDomains,
      labelSelector,
    })),
    ...(p.topologySpreadConstraints ?? []),
  ];
  return {
    priorityClassName: p.priorityClassName,
    affinity: renderAffinity(p, labelSelector),
    topologySpreadConstraints: constraints.length > 0 ? constraints : undefined,
    dnsConfig: p.dnsConfig && {
      nameservers: p.dnsConfig.nameservers && [...p.dnsConfig.nameservers],
      searches: p.dnsConfig.searches && [...p.dnsConfig.searches],
      options: p.dnsConfig.options && Object.entries(p.dnsConfig.options).map(([name, value]) => (value === '' ? { name } : { name, value })),
    },
    hostAliases: p.hostAliases?.map((a) => ({ ip: a.ip, hostnames: [...a.hostnames] })),
  };
}

function renderAffinity(p: WorkloadProps, labelSelector: k8s.LabelSelector): k8s.Affinity | undefined {
  const o = antiAffinityOptions(p.antiAffinity);
  if (!o) return p.affinity;
  const term = { labelSelector, topologyKey: topologyKey(o.across) };
  const list = o.mode === 'required' ? [term] : [{ weight: 100, podAffinityTerm: term }];
  return { ...p.affinity, podAntiAffinity: { ...p.affinity?.podAntiAffinity, [ANTI_AFFINITY_LIST[o.mode]]: list } };
}
