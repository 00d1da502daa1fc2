// The layers of Berth, lowest first. A folder imports only from its own layer or below, dynamic import() included
// (every CLI command loads that way); inside one layer, only the pairs listed in SIDEWAYS may import each other, in
// that one direction, so no two folders import each other. README.md "Architecture" shows the same table.
const LAYERS = [
  ['lib'],
  ['src/errors.ts', 'src/colors.ts', 'src/util'],
  ['src/model'],
  ['src/kube', 'src/synth', 'src/config', 'src/cluster'],
  ['src/diff', 'src/release'],
  ['src/deploy', 'src/operate'],
  ['src/registry', 'src/ui'],
  ['src/cli'],
];
/** from → to: allowed imports between folders of one layer. */
const SIDEWAYS = [
  ['src/synth', 'src/config'],
  ['src/diff', 'src/release'],
  ['src/deploy', 'src/operate'],
  ['src/ui', 'src/registry'],
];

const re = (path) => `^${path.replace(/[.]/g, '\\.')}${path.endsWith('.ts') ? '$' : '/'}`;
const any = (paths) => paths.map(re).join('|');

const forbidden = [];
LAYERS.forEach((layer, i) => {
  const above = LAYERS.slice(i + 1).flat();
  for (const folder of layer) {
    if (above.length > 0) {
      forbidden.push({
        name: `layer:${folder}`,
        comment: `${folder} is in layer ${i}; it must not import a higher layer (${above.join(', ')})`,
        severity: 'error',
        from: { path: re(folder) },
        to: { path: any(above) },
      });
    }
    const peers = layer.filter((p) => p !== folder && !SIDEWAYS.some(([f, t]) => f === folder && t === p));
    if (peers.length > 0) {
      forbidden.push({
        name: `sideways:${folder}`,
        comment: `${folder} must not import ${peers.join(', ')} (same layer; allowed sideways imports are listed in .dependency-cruiser.cjs)`,
        severity: 'error',
        from: { path: re(folder) },
        to: { path: any(peers) },
      });
    }
  }
});
forbidden.push({
  name: 'lib:contract-only',
  comment: "src/model may import only lib's contract types (lib/contract.ts), never the construct library itself",
  severity: 'error',
  from: { path: re('src/model') },
  to: { path: '^lib/', pathNot: '^lib/contract\\.ts$' },
});
forbidden.push({
  name: 'lib:own-bindings',
  comment:
    "lib/ renders with Berth's Kubernetes 1.34 bindings (lib/imports/, scripts/gen-k8s-bindings.mjs): cdk8s-plus-27's 1.27 ones drop newer fields such as a sidecar's restartPolicy without a word",
  severity: 'error',
  from: { path: '^lib/' },
  to: { path: 'cdk8s-plus-27/lib/imports/' },
});
forbidden.push({
  name: 'no-circular',
  comment: 'modules must not depend on themselves through a cycle of runtime imports (type-only imports erase)',
  severity: 'error',
  from: { path: '^(src|lib)/' },
  to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
});

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|build|\\.cache)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
};
