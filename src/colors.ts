import picocolors from 'picocolors';

/**
 * Colours for one output stream: on a terminal unless NO_COLOR (or TERM=dumb), always with FORCE_COLOR.
 * picocolors' own default also turns colours on whenever CI is set, which fills CI logs with escape codes.
 */
export function colorsFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): ReturnType<typeof picocolors.createColors> {
  const on = 'FORCE_COLOR' in env || (Boolean(stream.isTTY) && !('NO_COLOR' in env) && env.TERM !== 'dumb');
  return picocolors.createColors(on);
}

/** Colours for progress and error lines (stderr). */
export const stderrColors = colorsFor(process.stderr);

/** Colours for callers that already decided to colour (a `color` option). */
export const alwaysColors = picocolors.createColors(true);
