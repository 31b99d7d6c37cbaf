import { RpcClient } from '../src';
import { startEcho, type EchoInstance } from './echo-service';

/** Wire compatibility of ShopMesh's client and server (`rpcSocketClass`, `RpcServer`) with Nest's stock ones, each way, under bursts. */
describe.each([
  ['ShopMesh client', 'stock server', 'shopmesh', 'stock'],
  ['stock client', 'ShopMesh server', 'stock', 'shopmesh'],
  ['ShopMesh client', 'ShopMesh server', 'shopmesh', 'shopmesh'],
] as const)('%s ↔ %s (real TCP)', (_client, _server, clientSocket, serverSocket) => {
  let echo: EchoInstance;
  let client: RpcClient;

  beforeAll(async () => {
    echo = await startEcho('sockets', 4_000_000, undefined, serverSocket);
    client = RpcClient.forAddresses('sockets', [echo.address], {
      timeoutMs: 5000,
      socket: clientSocket === 'stock' ? 'stock' : 'no-delay',
      maxMessageChars: 4_000_000,
      maxPendingPerInstance: 1000,
    });
  });
  afterAll(async () => {
    await client?.close();
    await echo?.app.close();
  });

  it('answers a burst of concurrent calls, each with its own payload', async () => {
    const payloads = Array.from({ length: 500 }, (_, i) => ({ i, text: `ünïcødé ✓ 𝄞 ${'x'.repeat(i % 37)}` }));
    const answers = await Promise.all(payloads.map((p) => client.send('echo.back', p) as Promise<{ payload: unknown }>));
    expect(answers.map((a) => a.payload)).toEqual(payloads);
  });

  it('round-trips large payloads, several at once (past the socket buffer: backpressure)', async () => {
    const payloads = Array.from({ length: 8 }, (_, i) => ({ i, text: `${'é'.repeat(200_000)}${i}` }));
    const answers = await Promise.all(payloads.map((p) => client.send('echo.back', p) as Promise<{ payload: unknown }>));
    expect(answers.map((a) => a.payload)).toEqual(payloads);
  });
});
