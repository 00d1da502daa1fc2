import { colorsFor } from '../../src/colors.js';

describe('colorsFor', () => {
  it('colours a terminal but not a CI log, and honours NO_COLOR and FORCE_COLOR', () => {
    expect(colorsFor({ isTTY: true }, {}).red('x')).not.toBe('x');
    expect(colorsFor({ isTTY: false }, { CI: 'true' }).red('x')).toBe('x');
    expect(colorsFor({ isTTY: true }, { NO_COLOR: '1' }).red('x')).toBe('x');
    expect(colorsFor({ isTTY: false }, { FORCE_COLOR: '1' }).red('x')).not.toBe('x');
  });
});
