import { createHash } from 'node:crypto';

/**
 * A search as the database gets it: `words` in websearch syntax (`"exact phrase"`, `-without`, `or`)
 * and, when the text ends in a plain word, that word as `prefix` (matched as the beginning of a word:
 * "coff" finds "coffee"). `fingerprint` ties a rank cursor to the search it came from.
 */
export interface SearchTerms {
  words: string;
  prefix?: string;
  fingerprint: string;
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * The terms of a search text, or undefined if it has nothing to search for (only punctuation, such
 * as `%` or `\`: it matches nothing, literally, rather than everything).
 */
export function searchTermsOf(text: string): SearchTerms | undefined {
  // one form of each character (NFC), and `<`/`>` as spaces, as in the indexed text
  const normalized = text.normalize('NFC').replace(/[<>]/g, ' ').replace(/\s+/g, ' ').trim();
  if (!LETTER_OR_DIGIT.test(normalized)) return undefined;
  const fingerprint = createHash('sha256').update(normalized).digest('base64url').slice(0, 12);
  const split = /^(.*?)\s*([^\s"]+)$/u.exec(normalized);
  const [, head = '', last = ''] = split ?? [];
  const plainLast =
    split !== null &&
    !last.startsWith('-') &&
    LETTER_OR_DIGIT.test(last) &&
    last.toLowerCase() !== 'or' &&
    !/(^|\s)or$/i.test(head) &&
    (head.match(/"/g)?.length ?? 0) % 2 === 0;
  return plainLast ? { words: head, prefix: last, fingerprint } : { words: normalized, fingerprint };
}
