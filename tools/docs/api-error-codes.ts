/** One row of the error-code table of docs/api.md. */
export interface DocumentedCode {
  code: string;
  status: number;
  line: number;
}

/**
 * The rows of the table under `## Errors` in docs/api.md whose header starts `| code | HTTP |`:
 * each row's first cell is the code in backticks, its second the HTTP status. A row that does not
 * have that shape is reported as an error, so a typo cannot hide a code from the check.
 */
export function errorCodeTableOf(markdown: string): { rows: DocumentedCode[]; malformed: string[] } {
  const lines = markdown.split('\n');
  const section = lines.findIndex((l) => /^## Errors\s*$/.test(l));
  if (section < 0) return { rows: [], malformed: ['no "## Errors" section'] };
  const header = lines.findIndex((l, i) => i > section && /^\|\s*code\s*\|\s*HTTP\s*\|/.test(l));
  if (header < 0) return { rows: [], malformed: ['no "| code | HTTP |" table under "## Errors"'] };
  const rows: DocumentedCode[] = [];
  const malformed: string[] = [];
  for (let i = header + 2; i < lines.length && (lines[i] ?? '').startsWith('|'); i += 1) {
    const cells = (lines[i] ?? '').split('|').map((c) => c.trim());
    const code = /^`([A-Z_]+(?:\.[A-Z_]+)?)`$/.exec(cells[1] ?? '')?.[1];
    const status = /^\d{3}$/.test(cells[2] ?? '') ? Number(cells[2]) : undefined;
    if (code === undefined || status === undefined) malformed.push(`line ${i + 1}: ${lines[i]}`);
    else rows.push({ code, status, line: i + 1 });
  }
  return { rows, malformed };
}
