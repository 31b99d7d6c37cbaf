import { RpcClient } from '../src';
import { startEcho } from './echo-service';

describe('RpcClient with Nagle off (real TCP)', () => {
  it('round-trips calls', async () => {
    const echo = await startEcho('nodelay');
    const client = RpcClient.forAddresses('nodelay', [echo.address], {
      timeoutMs: 1000,
      noDelay: true,
      maxMessageChars: 1_000_000,
    });
    try {
      await expect(client.send('echo.back', { a: 1 })).resolves.toEqual({ meta: expect.any(Object), payload: { a: 1 } });
      await expect(client.send('echo.who', {})).resolves.toEqual({ instance: 'nodelay' });
    } finally {
      await client.close();
      await echo.app.close();
    }
  });
});
