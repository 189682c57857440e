import { checkVerdict } from '../src/check-verdict.ts';
import { diagnostic } from '../src/rules.ts';

const warning = diagnostic('P301', 'drift', 'a/package.json');
const error = diagnostic('P101', 'deep', 'a/src/x.ts', 3);

describe('checkVerdict', () => {
  test('no diagnostics pass, strict or not', () => {
    expect(checkVerdict([])).toEqual({ ok: true, errors: 0, warnings: 0 });
    expect(checkVerdict([], { strict: true })).toEqual({ ok: true, errors: 0, warnings: 0 });
  });

  test('warnings alone pass, unless strict', () => {
    expect(checkVerdict([warning, warning])).toEqual({ ok: true, errors: 0, warnings: 2 });
    expect(checkVerdict([warning], { strict: true })).toEqual({ ok: false, errors: 0, warnings: 1 });
  });

  test('an error fails, strict or not', () => {
    expect(checkVerdict([error, warning])).toEqual({ ok: false, errors: 1, warnings: 1 });
    expect(checkVerdict([error], { strict: true })).toEqual({ ok: false, errors: 1, warnings: 0 });
  });
});
