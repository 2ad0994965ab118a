import { createHash } from 'node:crypto';

/**
 * A data subject's address as a request may keep it once it has no business keeping the address:
 * masked for people (`j***@e***.com`), hashed for finding repeat requests.
 */

/** `jane.doe@example.com` → `j***@e***.com`: the first letter of the mailbox and of the domain, and its top level. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  const local = at > 0 ? email.slice(0, at) : email;
  const domain = at > 0 ? email.slice(at + 1) : '';
  const dot = domain.lastIndexOf('.');
  const tld = dot > 0 ? domain.slice(dot) : '';
  const host = dot > 0 ? domain.slice(0, dot) : domain;
  return `${local.slice(0, 1)}***@${host.slice(0, 1)}***${tld}`;
}

/** Lowercase hex sha256 of the normalised (trimmed, lower-cased) address. */
export function hashEmail(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}
