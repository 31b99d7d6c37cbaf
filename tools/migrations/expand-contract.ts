/**
 * Expand/contract: a migration runs while the previous release still serves on the same database
 * (Kubernetes' migration Job, `npm run restart`), so it may only add what that release ignores —
 * tables, nullable columns or columns with a default, indexes, CHECKs and foreign keys `NOT VALID`,
 * functions, enum values. Whatever could break the previous release (a dropped or renamed table,
 * column, index or constraint, a changed type, a new NOT NULL, deleted rows) is a contract step:
 * it ships in a later release, once no running version uses what it removes, and says so in a
 * `static readonly contract = '<why this is safe now>'` of its migration class.
 */

/** One statement of a migration's `up()` that the previous release may not survive. */
export interface DestructiveStatement {
  rule: string;
  why: string;
  statement: string;
}

interface Rule {
  rule: string;
  why: string;
  /** Matched against the statement with literals and dollar-quoted bodies blanked, upper-cased, spaces collapsed. */
  test: (sql: string) => boolean;
}

const re = (pattern: string) => new RegExp(pattern);

const RULES: readonly Rule[] = [
  {
    rule: 'drop-object',
    why: 'the previous release may still use what is dropped',
    test: (s) => re('^DROP (TABLE|VIEW|MATERIALIZED VIEW|FUNCTION|TYPE|SCHEMA|SEQUENCE|TRIGGER|INDEX)\\b').test(s),
  },
  {
    rule: 'drop-column',
    why: 'the previous release still reads or writes the column',
    test: (s) =>
      re(
        '^ALTER TABLE .*\\bDROP (COLUMN )?(IF EXISTS )?(?!CONSTRAINT\\b|DEFAULT\\b|NOT NULL\\b|IDENTITY\\b|EXPRESSION\\b)\\S+',
      ).test(s),
  },
  {
    rule: 'rename',
    why: 'the previous release still uses the old name',
    test: (s) => re('^ALTER (TABLE|INDEX|VIEW|SEQUENCE|TYPE|FUNCTION|SCHEMA) .*\\bRENAME\\b').test(s),
  },
  {
    rule: 'change-type',
    why: 'the previous release reads and writes the old type (and the table is rewritten under a lock)',
    test: (s) => re('^ALTER TABLE .*\\bALTER (COLUMN )?\\S+ (SET DATA )?TYPE\\b').test(s),
  },
  {
    rule: 'set-not-null',
    why: 'the previous release may insert rows without the column',
    test: (s) => re('^ALTER TABLE .*\\bSET NOT NULL\\b').test(s),
  },
  {
    rule: 'drop-default',
    why: 'the previous release may insert rows without the column, relying on its default',
    test: (s) => re('^ALTER TABLE .*\\bDROP DEFAULT\\b').test(s),
  },
  {
    rule: 'add-not-null-without-default',
    why: 'the previous release inserts rows without the new column',
    test: (s) =>
      re('^ALTER TABLE ').test(s) &&
      addedColumnsOf(s).some((c) => /\bNOT NULL\b/.test(c) && !/\bDEFAULT\b/.test(c) && !/\bGENERATED\b/.test(c)),
  },
  {
    rule: 'drop-constraint',
    why: 'the previous release may rely on the constraint (ON CONFLICT, a uniqueness it assumes)',
    test: (s) => re('^ALTER TABLE .*\\bDROP CONSTRAINT\\b').test(s),
  },
  {
    rule: 'validated-constraint',
    why: 'a CHECK or foreign key added without NOT VALID scans the table under a lock and may refuse what the previous release writes (add it NOT VALID, VALIDATE it later)',
    test: (s) => re('^ALTER TABLE .*\\bADD (CONSTRAINT \\S+ )?(CHECK|FOREIGN KEY)\\b').test(s) && !/\bNOT VALID\b/.test(s),
  },
  {
    rule: 'new-uniqueness',
    why: 'the previous release may write rows the new uniqueness refuses',
    test: (s) =>
      re('^ALTER TABLE .*\\bADD (CONSTRAINT \\S+ )?(UNIQUE|PRIMARY KEY|EXCLUDE)\\b').test(s) ||
      re('^CREATE UNIQUE INDEX\\b').test(s),
  },
  {
    rule: 'delete-rows',
    why: 'rows the previous release may still need are deleted',
    test: (s) => re('^(TRUNCATE|DELETE FROM)\\b').test(s),
  },
];

/** `'…'` literals and `$tag$…$tag$` bodies blanked (keywords inside them are data, not SQL), comments dropped. */
function blanked(sql: string): string {
  return sql
    .replace(/\$([A-Za-z_]*)\$[\s\S]*?\$\1\$/g, '$$$$')
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ');
}

/** The statements of one `query()` text, normalized for the rules (upper case, one space between words). */
export function statementsOf(sql: string): string[] {
  return blanked(sql)
    .split(';')
    .map((s) => s.replace(/\s+/g, ' ').trim().toUpperCase())
    .filter((s) => s.length > 0);
}

/** The column definitions an `ALTER TABLE … ADD [COLUMN] …, ADD …` adds. */
function addedColumnsOf(statement: string): string[] {
  return splitTopLevel(statement.replace(/^ALTER TABLE (IF EXISTS )?(ONLY )?\S+ /, ''))
    .map((action) => action.trim())
    .filter((action) => /^ADD (COLUMN )?(?!CONSTRAINT\b|CHECK\b|UNIQUE\b|PRIMARY KEY\b|FOREIGN KEY\b|EXCLUDE\b)/.test(action));
}

/** Splits on the commas outside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '(') depth += 1;
    else if (c === ')') depth -= 1;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

const CREATED_TABLE = /^CREATE TABLE (IF NOT EXISTS )?("?[\w.]+"?)/;
/** The table a statement changes (`ALTER TABLE t`, `CREATE [UNIQUE] INDEX … ON t`, `DROP TABLE t`…). */
function targetTableOf(statement: string): string | undefined {
  const match =
    /^ALTER TABLE (IF EXISTS )?(ONLY )?("?[\w.]+"?)/.exec(statement) ??
    /^CREATE (UNIQUE )?INDEX (CONCURRENTLY )?(IF NOT EXISTS )?(\S+ )?ON (ONLY )?("?[\w.]+"?)/.exec(statement);
  return match?.at(-1)?.replace(/"/g, '');
}

/**
 * The destructive statements among a migration's SQL, in order. Changes to a table the same
 * migration created are not: the previous release never knew that table.
 */
export function destructiveStatementsOf(queries: readonly string[]): DestructiveStatement[] {
  const created = new Set<string>();
  const found: DestructiveStatement[] = [];
  for (const statement of queries.flatMap(statementsOf)) {
    const table = CREATED_TABLE.exec(statement)?.[2]?.replace(/"/g, '');
    if (table) created.add(table);
    const target = targetTableOf(statement);
    if (target && created.has(target)) continue;
    for (const { rule, why, test } of RULES) if (test(statement)) found.push({ rule, why, statement });
  }
  return found;
}

/** A migration class as TypeORM takes it, with its optional contract reason. */
export interface MigrationClass {
  name: string;
  contract?: unknown;
  new (): { up(queryRunner: never): Promise<unknown> };
}

/** The SQL a migration's `up()` sends, recorded without a database (every query answers no rows). */
export async function upQueriesOf(migration: MigrationClass): Promise<string[]> {
  const queries: string[] = [];
  const recorder = {
    query: (sql: string) => {
      queries.push(sql);
      return Promise.resolve([]);
    },
  };
  await new migration().up(recorder as never);
  return queries;
}

/** A contract reason must say why: at least this many characters. */
export const MIN_CONTRACT_REASON = 40;

/** What the guard says of one migration. */
export type MigrationVerdict =
  | { kind: 'expand' }
  | { kind: 'contract'; reason: string; statements: DestructiveStatement[] }
  | { kind: 'violation'; statements: DestructiveStatement[]; problem: string };

export async function verdictOf(migration: MigrationClass): Promise<MigrationVerdict> {
  const statements = destructiveStatementsOf(await upQueriesOf(migration));
  const reason = migration.contract;
  if (reason !== undefined) {
    if (typeof reason !== 'string' || reason.trim().length < MIN_CONTRACT_REASON) {
      return {
        kind: 'violation',
        statements,
        problem: `its contract reason must say why, in ${MIN_CONTRACT_REASON}+ characters`,
      };
    }
    return { kind: 'contract', reason, statements };
  }
  if (statements.length === 0) return { kind: 'expand' };
  return {
    kind: 'violation',
    statements,
    problem: 'destructive SQL in up() without `static readonly contract = "<why this is safe now>"`',
  };
}
