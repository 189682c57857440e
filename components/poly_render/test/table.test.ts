import { style } from '../src/style.ts';
import { renderTable } from '../src/table.ts';

/** The text a terminal shows: each `ESC[…m` code removed. */
function withoutAnsi(text: string): string {
  return text
    .split('\u001b[')
    .map((part, index) => (index === 0 ? part : part.slice(part.indexOf('m') + 1)))
    .join('');
}

describe('renderTable', () => {
  test('renderTable: without colour, pads columns to the widest cell and underlines with -', () => {
    const text = renderTable(
      ['brick', 'kind'],
      [
        ['log', 'component'],
        ['rest_api', 'base'],
      ],
      { color: false },
    );
    expect(text).toBe(
      ['brick     kind', '--------  ---------', 'log       component', 'rest_api  base', ''].join('\n'),
    );
  });

  test('renderTable: with colour, aligns coloured cells by their visible width', () => {
    const { green } = style({ color: true });
    const text = renderTable(
      ['brick', 'api'],
      [
        [green('log'), green('✔')],
        ['rest_api', ''],
      ],
      { color: true, align: ['left', 'center'] },
    );
    const lines = text.split('\n').map(withoutAnsi);
    expect(lines).toEqual(['brick     api', '────────  ───', 'log        ✔', 'rest_api', '']);
    expect(text).toContain('\u001b[32mlog\u001b[39m      ');
  });

  test('renderTable: centres and right-aligns when asked, and never leaves trailing blanks', () => {
    const text = renderTable(['name', 'n', 'flag'], [['a', '7', 'x']], {
      color: false,
      align: ['left', 'right', 'center'],
    });
    expect(text).toBe(['name  n  flag', '----  -  ----', 'a     7   x', ''].join('\n'));
  });

  test('renderTable: with no rows, still prints the header and its rule', () => {
    expect(renderTable(['brick'], [], { color: false })).toBe('brick\n-----\n');
  });
});
