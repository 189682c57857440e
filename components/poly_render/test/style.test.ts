import { style, visibleLength } from '../src/style.ts';

describe('style', () => {
  test('style: with color true, wraps text in ANSI codes that open and close', () => {
    const { bold, red, green } = style({ color: true });
    expect(bold('a')).toBe('\u001b[1ma\u001b[22m');
    expect(red('a')).toBe('\u001b[31ma\u001b[39m');
    expect(green('a')).toBe('\u001b[32ma\u001b[39m');
  });

  test('style: with color false, returns every text unchanged', () => {
    const s = style({ color: false });
    for (const paint of [s.bold, s.dim, s.red, s.yellow, s.green, s.cyan]) {
      expect(paint('store *')).toBe('store *');
    }
  });

  test('style: with color true, leaves an empty text empty so padding stays exact', () => {
    expect(style({ color: true }).cyan('')).toBe('');
  });
});

describe('visibleLength', () => {
  test('visibleLength: counts a coloured text as its letters only', () => {
    const { bold, yellow } = style({ color: true });
    expect(visibleLength(bold(yellow('store')))).toBe(5);
  });

  test('visibleLength: counts ✔ and ─ as one column each', () => {
    expect(visibleLength('✔─x')).toBe(3);
  });
});
