/**
 * Signed download links (`…?expires=<unix seconds>&signature=…`): attachments and document PDFs
 * open without a token, for a short while only.
 *
 * A link is renewed when it has less than this left (ms), which also covers a browser clock
 * somewhat behind the server's.
 */
const RENEW_BEFORE_MS = 60_000;

/** Whether a signed url is about to stop opening (then it is renewed through the API first). */
export function expiresSoon(url: string): boolean {
  const expires = Number(new URL(url, window.location.origin).searchParams.get('expires'));
  return Number.isFinite(expires) && expires * 1000 - Date.now() < RENEW_BEFORE_MS;
}
