import { createTestCertificates, type CertificateSet } from '@shopmesh/testing';
import { RpcClient } from '../src';
import { startEcho, type EchoInstance } from './echo-service';

describe('mutual TLS between services (real TLS over TCP)', () => {
  let pki: CertificateSet;
  let echo: EchoInstance;
  const clients: RpcClient[] = [];

  beforeAll(async () => {
    pki = createTestCertificates();
    // exactly what startApp configures when RPC_TLS=true
    echo = await startEcho('secure', undefined, {
      ...pki.server,
      ca: pki.ca,
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    });
  });
  afterAll(async () => {
    await Promise.allSettled(clients.map((c) => c.close()));
    await echo?.app.close();
  });

  const client = (tls?: { cert: Buffer; key: Buffer; ca: Buffer }) => {
    const c = RpcClient.forAddresses('secure', [echo.address], {
      timeoutMs: 1500,
      tls: tls && { ...tls, rejectUnauthorized: true },
    });
    clients.push(c);
    return c;
  };

  it('serves a client whose certificate the CA signed', async () => {
    await expect(client({ ...pki.client, ca: pki.ca }).send('echo.who', {})).resolves.toEqual({ instance: 'secure' });
  });

  it('refuses a plaintext client', async () => {
    await expect(client().send('echo.who', {})).rejects.toMatchObject({
      code: expect.stringMatching(/^UPSTREAM\.(UNAVAILABLE|TIMEOUT)$/),
    });
  });

  it('refuses a client with a certificate from an untrusted CA', async () => {
    await expect(client({ ...pki.rogue, ca: pki.ca }).send('echo.who', {})).rejects.toMatchObject({
      code: expect.stringMatching(/^UPSTREAM\./),
    });
  });

  it('refuses a TLS client without a certificate', async () => {
    const c = RpcClient.forAddresses('secure', [echo.address], {
      timeoutMs: 1500,
      tls: { ca: pki.ca, rejectUnauthorized: true },
    });
    clients.push(c);
    await expect(c.send('echo.who', {})).rejects.toMatchObject({ code: expect.stringMatching(/^UPSTREAM\./) });
  });

  it('lets the client refuse a server its CA did not sign', async () => {
    await expect(client({ ...pki.client, ca: pki.rogue.ca }).send('echo.who', {})).rejects.toMatchObject({
      code: expect.stringMatching(/^UPSTREAM\./),
    });
  });
});
