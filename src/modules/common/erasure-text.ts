/**
 * What erasure primitives share: the needles (a subject's name, email, message texts) as
 * case-insensitive regular expressions that PostgreSQL's `regexp_replace(…, 'gi')` takes.
 */
export function needlePatterns(needles: readonly string[]): string[] {
  return [
    ...new Set(needles.map((needle) => needle.trim()).filter((needle) => needle.length >= 3)),
  ].map((needle) => needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}

/** One alternation of the needles, for a single `regexp_replace`/`~*` (null when none). */
export function needleRegex(needles: readonly string[]): string | null {
  const patterns = needlePatterns(needles);
  return patterns.length === 0 ? null : `(${patterns.join('|')})`;
}
