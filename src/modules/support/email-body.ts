import { REPLY_ABOVE_LINE } from './ticket-mail';

/**
 * The line a mail client writes above the message it quotes: "On Mon, 7 Jan 2030 at 09:00,
 * Support <support@example.com> wrote:" (and the same in a few other languages). Clients wrap
 * it, so it is matched on up to two lines joined.
 */
const ATTRIBUTION = [
  /^On\b.+\bwrote:\s*$/i,
  /^Am\b.+\bschrieb\b.*:\s*$/i,
  /^Le\b.+\ba écrit\s*:\s*$/i,
  /^El\b.+\bescribió:\s*$/i,
];
/** Outlook's separators above the message it quotes (which it does not mark with `>`). */
const OUTLOOK_QUOTE = [/^-{2,}\s*Original Message\s*-{2,}\s*$/i, /^_{10,}\s*$/];

const isBlank = (line: string) => line.trim() === '';
const isQuoted = (line: string) => line.trimStart().startsWith('>');
const isAttribution = (text: string) => ATTRIBUTION.some((pattern) => pattern.test(text.trim()));

/** `end` moved up past blank lines and quoted lines with nothing in them. */
function skipEmptyTail(lines: readonly string[], end: number): number {
  let at = end;
  while (at > 0 && (isBlank(lines[at - 1]) || /^\s*(>\s*)+$/.test(lines[at - 1]))) at -= 1;
  return at;
}

/** `end` moved up past an attribution line (or two, wrapped) just above it, if there is one. */
function skipAttribution(lines: readonly string[], end: number): number {
  const at = skipEmptyTail(lines, end);
  if (at >= 1 && isAttribution(lines[at - 1])) return at - 1;
  if (at >= 2 && isAttribution(`${lines[at - 2]} ${lines[at - 1]}`)) return at - 2;
  return end;
}

/**
 * The customer's own words in an email: what they wrote above our "reply above this line" marker
 * and above the message their client quoted at the end ("On … wrote:" and its `>` lines, or
 * Outlook's "Original Message"). Quotes inside their text (answers between quoted lines) and
 * forwarded messages stay.
 */
export function customerWords(text: string): string {
  let lines = text.replace(/\r\n?/g, '\n').split('\n');
  const marker = lines.findIndex((line) => line.includes(REPLY_ABOVE_LINE));
  if (marker >= 0) lines = lines.slice(0, skipAttribution(lines, marker));
  const outlook = lines.findIndex((line) => OUTLOOK_QUOTE.some((pattern) => pattern.test(line)));
  if (outlook > 0 && lines.slice(0, outlook).some((line) => !isBlank(line)))
    lines = lines.slice(0, outlook);
  const end = skipEmptyTail(lines, lines.length);
  let start = end;
  while (start > 0 && (isQuoted(lines[start - 1]) || isBlank(lines[start - 1]))) start -= 1;
  if (start < end) {
    const above = skipAttribution(lines, start);
    // A quote at the end goes, attributed or not, unless it is all there is.
    if (lines.slice(0, above).some((line) => !isBlank(line))) lines = lines.slice(0, above);
  }
  return lines.join('\n').trim();
}
