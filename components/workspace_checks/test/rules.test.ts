import { compareDiagnostics } from '../src/diagnostic.ts';
import { CHECK_RULES, diagnostic } from '../src/rules.ts';

describe('CHECK_RULES', () => {
  test('P207 and P301 are warnings, every other code an error', () => {
    const severities = Object.entries(CHECK_RULES).map(([code, { severity }]) => `${code}:${severity}`);
    expect(severities).toEqual([
      'P101:error',
      'P104:error',
      'P105:error',
      'P107:error',
      'P112:error',
      'P113:error',
      'P207:warning',
      'P301:warning',
    ]);
  });
});

describe('diagnostic', () => {
  test('takes its severity from the code, and has no line key when given none', () => {
    expect(diagnostic('P301', 'drift', 'a/package.json')).toStrictEqual({
      code: 'P301',
      severity: 'warning',
      message: 'drift',
      file: 'a/package.json',
    });
    expect(diagnostic('P101', 'deep', 'a/src/x.ts', 3)).toStrictEqual({
      code: 'P101',
      severity: 'error',
      message: 'deep',
      file: 'a/src/x.ts',
      line: 3,
    });
  });
});

describe('compareDiagnostics', () => {
  test('orders by file, then line with file-wide first, then code, then message', () => {
    const list = [
      diagnostic('P113', 'b', 'b/x.ts', 2),
      diagnostic('P101', 'z', 'b/x.ts', 2),
      diagnostic('P101', 'a', 'b/x.ts', 2),
      diagnostic('P104', 'c', 'b/x.ts', 1),
      diagnostic('P112', 'd', 'b/x.ts'),
      diagnostic('P301', 'e', 'a/package.json'),
    ];
    expect(
      list
        .sort(compareDiagnostics)
        .map((found) => `${found.file}:${found.line ?? '-'}:${found.code}:${found.message}`),
    ).toEqual([
      'a/package.json:-:P301:e',
      'b/x.ts:-:P112:d',
      'b/x.ts:1:P104:c',
      'b/x.ts:2:P101:a',
      'b/x.ts:2:P101:z',
      'b/x.ts:2:P113:b',
    ]);
  });
});
