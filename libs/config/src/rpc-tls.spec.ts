import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './load-config';
import { loadRpcTls } from './rpc-tls';

describe(loadRpcTls.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'rpc-tls-'));
  const file = (name: string) => {
    writeFileSync(join(dir, name), `-----${name}-----`);
    return join(dir, name);
  };

  it('is off unless RPC_TLS is true', () => {
    expect(loadRpcTls({ RPC_TLS: false })).toBeUndefined();
  });

  it('reads the three PEM files', () => {
    const sut = loadRpcTls({ RPC_TLS: true, RPC_TLS_CERT: file('cert'), RPC_TLS_KEY: file('key'), RPC_TLS_CA: file('ca') });
    expect(sut?.ca.toString()).toBe('-----ca-----');
  });

  it('names the variable whose file is missing', () => {
    expect(() => loadRpcTls({ RPC_TLS: true, RPC_TLS_CERT: file('cert'), RPC_TLS_KEY: '', RPC_TLS_CA: file('ca') })).toThrow(
      new ConfigError('Invalid configuration: RPC_TLS_KEY: expected the path of a PEM file when RPC_TLS=true, it is not set'),
    );
    expect(() =>
      loadRpcTls({ RPC_TLS: true, RPC_TLS_CERT: '/nope/cert.pem', RPC_TLS_KEY: file('key'), RPC_TLS_CA: file('ca') }),
    ).toThrow(/RPC_TLS_CERT: cannot read \/nope\/cert.pem \(ENOENT\)/);
  });
});
