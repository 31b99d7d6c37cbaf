import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MESSAGE_CATALOGUE } from '@shopmesh/contracts';
import { buildAsyncApiDocument } from './build-asyncapi';

describe('docs/asyncapi.json', () => {
  const committed = JSON.parse(readFileSync(resolve(__dirname, '../../docs/asyncapi.json'), 'utf8')) as {
    components: { messages: Record<string, unknown> };
  };

  it('describes every published message type, exactly as the contract types define it (run `npm run asyncapi` after changing one)', () => {
    expect(committed).toEqual(buildAsyncApiDocument());
  });

  it('lists every message of the catalogue', () => {
    expect(Object.keys(committed.components.messages).sort()).toEqual(
      MESSAGE_CATALOGUE.map((m) => `${m.type}.v${m.version}`).sort(),
    );
    expect(MESSAGE_CATALOGUE.length).toBeGreaterThanOrEqual(17);
  });
});
