import { lastWordsIn } from '../faults/pipeline.ts';

// What the fault suite quotes of a service that ended on its own.
const logLine = (level: string, message: string, error?: string) =>
  JSON.stringify({ level, message, service: 'api', ...(error ? { error } : {}) });

test('node’s report of an uncaught exception: from the error on, past the source line it prints first', () => {
  const text = [
    logLine('warn', 'request failed'),
    'file:///srv/projects/api_app/dist/main.js:120',
    '    throw new TypeError("boom");',
    '    ^',
    '',
    'TypeError: boom',
    '    at handle (file:///srv/projects/api_app/dist/main.js:120:11)',
    '',
    'Node.js v20.19.0',
    '',
  ].join('\n');
  expect(lastWordsIn(text)).toBe(
    'TypeError: boom | at handle (file:///srv/projects/api_app/dist/main.js:120:11) | Node.js v20.19.0',
  );
});

test('a start that failed: the one line runService writes', () => {
  const text = `${logLine('warn', 'API_KEY is not set')}\napi: failed to start: listen EADDRINUSE: address already in use 127.0.0.1:28945\n`;
  expect(lastWordsIn(text)).toBe(
    'api: failed to start: listen EADDRINUSE: address already in use 127.0.0.1:28945',
  );
});

test('only log lines: the last one at level error, with its error; none, when there is none', () => {
  const text = [
    logLine('error', 'first failure', 'Error: a'),
    logLine('error', 'stop failed', 'Error: b'),
    logLine('info', 'stopped'),
  ].join('\n');
  expect(lastWordsIn(text)).toBe('stop failed: Error: b');
  expect(lastWordsIn(`${logLine('warn', 'slow')}\n`)).toBeUndefined();
  expect(lastWordsIn('')).toBeUndefined();
});

test('long words are cut at 400 characters', () => {
  const words = lastWordsIn(`Error: ${'x'.repeat(1000)}\n`);
  expect(words).toHaveLength(401);
  expect(words?.endsWith('…')).toBe(true);
});
