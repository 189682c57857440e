import { escapeHtml } from '../src/escape-html.ts';

describe('escapeHtml', () => {
  test('replaces the five characters that matter in HTML text and attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  test('leaves other text, including non-ASCII, as it is', () => {
    expect(escapeHtml('Nuuk — 64.18°N')).toBe('Nuuk — 64.18°N');
  });
});
