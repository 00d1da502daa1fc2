/**
 * The one YAML emitter for anything a person or kubectl reads: synth output, `berth get manifest|values`, diffs.
 *
 * YAML that YAML 1.1 readers (kubectl, client-go, PyYAML) read back as written: js-yaml's compatibility mode
 * quotes strings such as `no`, `on`, `y` or `0755`, which would otherwise come back as booleans and octal
 * numbers (the "Norway problem"). js-yaml rather than `yaml` here: it emits the same text 5x faster, and
 * this is the hot path of a large synth. Keys keep their order (synth sorts them before).
 */
import { dump } from 'js-yaml';

export function toYaml(value: unknown): string {
  return dump(value, { lineWidth: -1, noRefs: true });
}

/** Documents separated by `---`, as `kubectl apply -f` reads a stream. */
export function toYamlDocuments(values: readonly unknown[]): string {
  return values.map(toYaml).join('---\n');
}
