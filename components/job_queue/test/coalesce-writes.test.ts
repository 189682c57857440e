import { once } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { waitFor } from '@mousetrap/test_kit';
import { coalesceWrites, socketOf } from '../src/coalesce-writes.ts';

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

  it('sends the writes of one task as one chunk, in order, and those of the next as another', async () => {
    coalesceWrites(client);
    for (let i = 0; i < 50; i += 1) client.write(`${i},`);
    const first = Array.from({ length: 50 }, (_, i) => `${i},`).join('');
    await waitFor(() => received() === first, { what: 'the writes of the first task' });
    expect(chunks).toHaveLength(1);

    await nextTurn();
    client.write('a,');
    client.write('b');
    await waitFor(() => received() === `${first}a,b`, { what: 'the writes of the second task' });
    expect(chunks).toHaveLength(2);
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

describe('socketOf', () => {
  it('finds the socket where amqplib 2.x keeps it, and nothing elsewhere', () => {
    const stream = new Writable({ write: (_chunk, _encoding, done) => done() });
    expect(socketOf({ connection: { stream } })).toBe(stream);
    expect(socketOf({ connection: {} })).toBeUndefined();
    expect(socketOf({ connection: { stream: {} } })).toBeUndefined();
    expect(socketOf(undefined)).toBeUndefined();
  });
});
