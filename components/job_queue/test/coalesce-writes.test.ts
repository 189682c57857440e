import { once } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { waitFor } from '@mousetrap/test_kit';
import { coalesceConnectionWrites, coalesceWrites } from '../src/coalesce-writes.ts';

describe('coalesceWrites', () => {
  let server: Server;
  let client: Socket;
  let chunks: Buffer[];

  beforeEach(async () => {
    chunks = [];
    server = createServer((socket) => socket.on('data', (chunk: Buffer) => chunks.push(chunk)));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    client = tcpConnect((server.address() as AddressInfo).port, '127.0.0.1');
    await once(client, 'connect');
  });

  afterEach(async () => {
    client.destroy();
    server.close();
    await once(server, 'close');
  });

  const received = () => Buffer.concat(chunks).toString();

  /** Counts the writes the socket passes down to the operating system (one per `_write` or `_writev`). */
  function countSocketWrites(socket: Socket): () => number {
    const internals = socket as unknown as { _write: () => void; _writev: () => void };
    const single = jest.spyOn(internals, '_write');
    const vector = jest.spyOn(internals, '_writev');
    return () => single.mock.calls.length + vector.mock.calls.length;
  }

  it('passes the writes of one task to the socket as one write, in order, and those of the next as another', async () => {
    coalesceWrites(client);
    const socketWrites = countSocketWrites(client);
    for (let i = 0; i < 50; i += 1) client.write(`${i},`);
    const first = Array.from({ length: 50 }, (_, i) => `${i},`).join('');
    await waitFor(() => received() === first, { what: 'the writes of the first task' });
    expect(socketWrites()).toBe(1);

    await nextTurn();
    client.write('a,');
    client.write('b');
    await waitFor(() => received() === `${first}a,b`, { what: 'the writes of the second task' });
    expect(socketWrites()).toBe(2);
  });

  it('past the high-water mark: says so, as the socket would, and drains everything in order', async () => {
    coalesceWrites(client);
    const block = (i: number) => `${String(i).padStart(4, '0')}${'x'.repeat(1020)}`;
    const answers = Array.from({ length: 100 }, (_, i) => client.write(block(i)));
    expect(answers).toContain(false);
    expect(answers[0]).toBe(true);
    await once(client, 'drain');
    const all = Array.from({ length: 100 }, (_, i) => block(i)).join('');
    await waitFor(() => received().length === all.length, { what: 'all 100 KB' });
    expect(received() === all).toBe(true);
  });

  it('keeps the callbacks and the return value of each write', async () => {
    coalesceWrites(client);
    const written: string[] = [];
    expect(client.write('x', () => written.push('x'))).toBe(true);
    expect(client.write('y', () => written.push('y'))).toBe(true);
    await waitFor(() => written.length === 2, { what: 'both write callbacks' });
    expect(written).toEqual(['x', 'y']);
    expect(received()).toBe('xy');
  });

  it('leaves a stream uncorked once its task ends', async () => {
    coalesceWrites(client);
    client.write('z');
    expect(client.writableCorked).toBe(1);
    await nextTurn();
    expect(client.writableCorked).toBe(0);
  });
});

describe('coalesceConnectionWrites', () => {
  it('coalesces the socket where amqplib 2.x keeps it, and leaves anything else alone', () => {
    const stream = new Writable({ write: (_chunk, _encoding, done) => done() });
    expect(coalesceConnectionWrites({ connection: { stream } })).toBe(true);
    stream.write('a');
    expect(stream.writableCorked).toBe(1);
    expect(coalesceConnectionWrites({ connection: {} })).toBe(false);
    expect(coalesceConnectionWrites({ connection: { stream: {} } })).toBe(false);
    expect(coalesceConnectionWrites(undefined)).toBe(false);
  });
});
