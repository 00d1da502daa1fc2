/** Commander option parser for repeatable flags (`-f a.yaml -f b.yaml`). */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
