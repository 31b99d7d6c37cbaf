import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ERROR_STATUS } from '@shopmesh/contracts';
import { errorCodeTableOf } from './api-error-codes';

const API_MD = resolve(__dirname, '../../docs/api.md');

describe('the error-code table of docs/api.md', () => {
  const { rows, malformed } = errorCodeTableOf(readFileSync(API_MD, 'utf8'));

  it('has only well-formed rows (`CODE` | status | meaning)', () => {
    expect(malformed).toEqual([]);
    expect(rows.length).toBeGreaterThan(0);
  });

  it('lists every code of ERROR_STATUS exactly once, and no other', () => {
    const documented = rows.map((r) => r.code);
    expect(documented.filter((c, i) => documented.indexOf(c) !== i)).toEqual([]); // no duplicates
    expect([...documented].sort()).toEqual(Object.keys(ERROR_STATUS).sort());
  });

  it('gives each code the status the gateway answers for it', () => {
    const wrong = rows
      .filter((r) => Object.hasOwn(ERROR_STATUS, r.code) && ERROR_STATUS[r.code as keyof typeof ERROR_STATUS] !== r.status)
      .map((r) => `${r.code}: documented ${r.status}, answered ${ERROR_STATUS[r.code as keyof typeof ERROR_STATUS]}`);
    expect(wrong).toEqual([]);
  });
});

describe(errorCodeTableOf.name, () => {
  const doc = (table: string) => `# API\n\n## Errors\n\ntext\n\n${table}\n\nafter\n`;

  it('reads the code and status of each row', () => {
    const sut = errorCodeTableOf(
      doc('| code | HTTP | meaning |\n| --- | --- | --- |\n| `A.B` | 404 | x |\n| `INTERNAL` | 500 | y |'),
    );
    expect(sut).toEqual({
      rows: [
        { code: 'A.B', status: 404, line: 9 },
        { code: 'INTERNAL', status: 500, line: 10 },
      ],
      malformed: [],
    });
  });

  it('reports a row it cannot read instead of skipping it', () => {
    const sut = errorCodeTableOf(
      doc('| code | HTTP | meaning |\n| --- | --- | --- |\n| A.B | 404 | no backticks |\n| `C.D` | four | x |'),
    );
    expect(sut.rows).toEqual([]);
    expect(sut.malformed).toHaveLength(2);
  });

  it('reports a document without the section or the table', () => {
    expect(errorCodeTableOf('# API\n').malformed).toEqual(['no "## Errors" section']);
    expect(errorCodeTableOf('## Errors\n\n| a | b |\n').malformed).toHaveLength(1);
  });
});
