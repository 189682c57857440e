import { renderQueuesPanel } from '../src/queues-panel.ts';
import { QUEUES } from './fixtures.ts';

describe('renderQueuesPanel', () => {
  test('renderQueuesPanel: one row per queue with waiting, consumers and dead letters, dead letters marked', () => {
    const html = renderQueuesPanel(QUEUES);
    expect(html).toContain(
      '<tr data-queue="start_fetch"><th scope="row"><code>start_<wbr>fetch</code></th><td>3</td><td>1</td><td class="dead">2</td></tr>',
    );
    expect(html).toContain(
      '<tr data-queue="data_processing"><th scope="row"><code>data_<wbr>processing</code></th><td>0</td><td>2</td><td>0</td></tr>',
    );
  });

  test('renderQueuesPanel: without stats, says the broker did not answer', () => {
    expect(renderQueuesPanel(undefined)).toContain('The broker did not answer');
  });
});
