import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildAsyncApiDocument } from './build-asyncapi';

/** `npm run asyncapi`: regenerates docs/asyncapi.json from the contract types. */
const file = resolve(__dirname, '../../docs/asyncapi.json');
writeFileSync(file, `${JSON.stringify(buildAsyncApiDocument(), null, 2)}\n`);
process.stdout.write(`wrote ${file}\n`);
