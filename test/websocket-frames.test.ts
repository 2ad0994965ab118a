import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { textFrames } from '../src/server/websocket-frames';

/**
 * Frames built for live delivery, written straight to the TCP socket under a `ws` connection,
 * arrive at a standard client as the text messages they carry, in order with what `ws` sends
 * itself, for each of the three length encodings.
 */
it('writes text frames a WebSocket client reads as messages, in order with ws own sends', async () => {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const bodies = [
    Buffer.from('"short"'),
    Buffer.from(JSON.stringify('é'.repeat(150))), // 126..65535 bytes: a 16-bit length
    Buffer.from(JSON.stringify('x'.repeat(70_000))), // beyond: a 64-bit length
  ];
  server.once('connection', (socket, request) => {
    socket.send('before');
    request.socket.write(textFrames(Buffer.from('{"n":'), bodies, Buffer.from('}')));
    socket.send('after');
  });
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const messages: string[] = [];
  await new Promise<void>((resolve, reject) => {
    client.on('message', (data: Buffer, isBinary: boolean) => {
      messages.push(isBinary ? '<binary>' : data.toString());
      if (messages.length === 5) resolve();
    });
    client.once('error', reject);
  });
  client.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  expect(messages).toEqual([
    'before',
    ...bodies.map((body) => `{"n":${body.toString()}}`),
    'after',
  ]);
  expect(JSON.parse(messages[3])).toEqual({ n: 'x'.repeat(70_000) });
});
