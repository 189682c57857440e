import { changedLines } from '../src/line-diff.ts';

describe('changedLines', () => {
  test('when the texts are equal, reports nothing', () => {
    expect(changedLines('a\nb\n', 'a\nb\n')).toEqual([]);
  });

  test('reports an inserted line alone, however far from the start', () => {
    const before = ['a', 'b', 'c', 'd', 'e'].join('\n');
    const after = ['a', 'b', 'c', 'x', 'd', 'e'].join('\n');
    expect(changedLines(before, after)).toEqual([{ change: '+', text: 'x' }]);
  });

  test('reports two separate insertions without the unchanged lines between them', () => {
    expect(changedLines('a\nb\nc', 'a\nx\nb\nc\ny')).toEqual([
      { change: '+', text: 'x' },
      { change: '+', text: 'y' },
    ]);
  });

  test('reports a changed line as removed then added', () => {
    expect(changedLines('a\nb\nc', 'a\nB\nc')).toEqual([
      { change: '-', text: 'b' },
      { change: '+', text: 'B' },
    ]);
  });
});
