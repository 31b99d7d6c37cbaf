import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { auditInvariants } from '../invariants/audit-invariants';
import type { AuditConnection } from '../invariants/read-audit-rows';
import type { LoadEvent, LoadSpan } from './records';
import { renderReport, type ReportSection } from './report';
import type { LoadResult } from './run-load';
import { summarizeLoad, verdictOf, type LoadSummary, type Verdict } from './summary';

export interface ConcludeOptions {
  /** The services' databases to audit the invariants on (`auditConnectionOf(env, databases)`); none: not checked. */
  audit?: AuditConnection;
  /** Fail when more than this share (0..1) of requests were not answered 2xx/3xx. */
  maxErrorRate?: number;
  /** Write the HTML report here (directories created). */
  reportPath?: string;
  /** Moments to mark on the time charts (restarts, faults). */
  events?: readonly LoadEvent[];
  /** Faults that lasted, drawn as bands on the time charts and listed under them. */
  spans?: readonly LoadSpan[];
  /** Sections of other checks (the chaos verdict) to show after the summary; their HTML is trusted. */
  extraSections?: readonly ReportSection[];
}

export interface Conclusion {
  summary: LoadSummary;
  verdict: Verdict;
  html: string;
  reportPath?: string;
}

/** The end of a run: the invariant audit, the summary and verdict, and the HTML report. */
export async function concludeLoad(result: LoadResult, options: ConcludeOptions = {}): Promise<Conclusion> {
  const summary = summarizeLoad(result);
  let violations: Verdict['violations'];
  let auditError: string | undefined;
  if (options.audit) {
    try {
      violations = (await auditInvariants(options.audit)).violations;
    } catch (error) {
      auditError = error instanceof Error ? error.message : String(error);
    }
  }
  const verdict = verdictOf(summary, { violations, maxErrorRate: options.maxErrorRate, auditError });
  const { events, spans, extraSections } = options;
  const html = renderReport({ result, summary, verdict, events, spans, extraSections });
  if (options.reportPath) {
    mkdirSync(dirname(options.reportPath), { recursive: true });
    writeFileSync(options.reportPath, html);
  }
  return { summary, verdict, html, ...(options.reportPath ? { reportPath: options.reportPath } : {}) };
}
