import { createServer } from 'node:net';

/**
 * Test ports come from below the kernel's ephemeral range (32768–60999 on Linux), so the local port
 * of an outgoing connection (to Postgres, Kafka, another app) can never take one between the moment
 * a test picks it and the moment its app, booting for seconds, listens on it. The range is low enough
 * that a port 20 000 above it (a supervised instance's surge placement) is still below the
 * ephemeral range. Each Jest worker has its own slice, so two suites running at once never pick
 * the same port; within a process ports are handed out in turn, each checked free, 51 apart: a
 * platform derives ports 10, 20… 50 above one it was given (a second gateway, a scaled instance),
 * and with that stride the port 10 × k above is handed out only 110 or more calls later.
 */
const FIRST = 6600;
const SLICE = 700;
const SLICES = 8;
const STRIDE = 51; // coprime with SLICE, so every port of the slice comes round

const worker = Number(process.env.JEST_WORKER_ID ?? process.pid) % SLICES;
const sliceStart = FIRST + worker * SLICE;
let cursor = Math.floor(Math.random() * SLICE);

/** Whether 127.0.0.1:`port` can be listened on now. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A TCP port on 127.0.0.1, free a moment ago, that no other caller in this run was given. */
export async function freePort(): Promise<number> {
  for (let tried = 0; tried < SLICE; tried += 1) {
    const port = sliceStart + (cursor % SLICE);
    cursor += STRIDE;
    if (await isPortFree(port)) return port;
  }
  throw new Error(`no free port in ${sliceStart}–${sliceStart + SLICE - 1}`);
}
