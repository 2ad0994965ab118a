import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import { requestLog } from '../src/server/request-log';

interface LogLine {
  level: number;
  msg: string;
  requestId?: string;
  method?: string;
  url?: string;
  statusCode?: number;
  responseTime?: number;
}

describe('request log', () => {
  const lines: LogLine[] = [];
  let server: http.Server;
  let baseUrl: string;

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as LogLine);
        done();
      },
    });
    const app = express();
    app.use((_req, res, next) => {
      res.setHeader('x-request-id', 'req-under-test');
      next();
    });
    app.use(requestLog(pino({ level: 'info' }, sink)));
    app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
    app.get('/ok', (_req, res) => void res.json({ fine: true }));
    app.get('/broken', (_req, res) => void res.status(502).json({ fine: false }));
    app.get('/slow', (_req, res) => void setTimeout(() => res.json({ late: true }), 500));
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => setTimeout(resolve, 500)); // the abandoned /slow answer ends
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const waitForLines = async (count: number) => {
    for (let waited = 0; lines.length < count && waited < 5000; waited += 20)
      await new Promise((resolve) => setTimeout(resolve, 20));
    return lines.splice(0);
  };

  it('logs one line per request when it ends, with its id, method, URL, status and duration', async () => {
    await fetch(`${baseUrl}/ok?x=1`);
    const [line, ...more] = await waitForLines(1);
    expect(more).toEqual([]);
    expect(line).toMatchObject({
      level: 30,
      msg: 'request completed',
      requestId: 'req-under-test',
      method: 'GET',
      url: '/ok?x=1',
      statusCode: 200,
    });
    expect(line.responseTime).toBeGreaterThanOrEqual(0);
  });

  it('logs a 5xx answer as an error', async () => {
    await fetch(`${baseUrl}/broken`);
    const [line] = await waitForLines(1);
    expect(line).toMatchObject({ level: 50, msg: 'request failed', statusCode: 502 });
  });

  it('logs a request the client abandoned as a warning', async () => {
    const aborted = new AbortController();
    const request = fetch(`${baseUrl}/slow`, { signal: aborted.signal }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));
    aborted.abort();
    await request;
    const [line] = await waitForLines(1);
    expect(line).toMatchObject({ level: 40, msg: 'request aborted', url: '/slow' });
  });

  it('writes nothing for health probes', async () => {
    await fetch(`${baseUrl}/healthz`);
    await fetch(`${baseUrl}/ok`);
    const logged = await waitForLines(1);
    expect(logged.map((line) => line.url)).toEqual(['/ok']);
  });
});
