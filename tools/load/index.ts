export { runLoad, type LoadOptions, type LoadResult } from './run-load';
export { concludeLoad, type ConcludeOptions, type Conclusion } from './conclude';
export { DEFAULT_MIX, DEFAULT_PAYMENT_TOKENS, type Mix, type Scenario } from './shopper-mix';
export { formatSummary, summarizeLoad, verdictOf, type LoadSummary, type Verdict } from './summary';
export { renderReport, timeSeries, type ReportSection } from './report';
export { formatProgress, type Progress } from './progress';
export type { LoadEvent, LoadSpan, OrderRecord, Outcome, RequestRecord } from './records';
