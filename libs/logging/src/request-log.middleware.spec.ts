import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { requestLogMiddleware } from './request-log.middleware';

const capture = () => {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: pino({ base: { service: 'test' }, messageKey: 'msg' }, stream) };
};

const exchange = (url: string, status: number, finished = true) => {
  const req = Object.assign(new EventEmitter(), {
    method: 'GET',
    url,
    originalUrl: url,
    headers: { 'x-correlation-id': 'corr-1', authorization: 'Bearer secret' },
    route: { path: '/v1/products/:id' },
    baseUrl: '',
  });
  const res = Object.assign(new EventEmitter(), { statusCode: status, writableFinished: finished });
  return { req: req as unknown as IncomingMessage, res: res as unknown as ServerResponse, close: () => res.emit('close') };
};

const flush = () => new Promise((done) => setImmediate(done));

describe(requestLogMiddleware.name, () => {
  it('writes one line when the response is done: method, URL, route, status, duration, correlation id', async () => {
    const { lines, logger } = capture();
    const { req, res, close } = exchange('/v1/products/p-1', 200);
    const next = jest.fn();
    requestLogMiddleware(logger)(req, res, next);
    expect(next).toHaveBeenCalledTimes(1);
    expect(lines).toHaveLength(0);
    close();
    await flush();
    expect(lines).toEqual([
      expect.objectContaining({
        level: 30,
        service: 'test',
        correlationId: 'corr-1',
        req: { method: 'GET', url: '/v1/products/p-1' },
        route: '/v1/products/:id',
        res: { statusCode: 200 },
        responseTime: expect.any(Number) as number,
        msg: 'request completed',
      }),
    ]);
    expect(JSON.stringify(lines)).not.toContain('secret');
  });

  it('logs a 5xx at error level and an aborted request as such', async () => {
    const { lines, logger } = capture();
    for (const [status, finished] of [
      [503, true],
      [200, false],
    ] as const) {
      const { req, res, close } = exchange('/v1/products/p-1', status, finished);
      requestLogMiddleware(logger)(req, res, () => undefined);
      close();
    }
    await flush();
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [50, 'request errored'],
      [30, 'request aborted'],
    ]);
  });

  it('does not log health probes and metrics scrapes', async () => {
    const { lines, logger } = capture();
    for (const url of ['/health/ready', '/metrics']) {
      const { req, res, close } = exchange(url, 200);
      requestLogMiddleware(logger)(req, res, () => undefined);
      close();
    }
    await flush();
    expect(lines).toHaveLength(0);
  });
});
