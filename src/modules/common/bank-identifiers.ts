import { electronicFormatIBAN, isValidBIC, isValidIBAN } from 'ibantools';

/** A US ABA routing number: nine digits whose weighted sum (3, 7, 1) is a multiple of ten. */
export function isValidRoutingNumber(value: string): boolean {
  if (!/^\d{9}$/.test(value)) return false;
  const d = [...value].map(Number);
  return (3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8])) % 10 === 0;
}

/** An IBAN in electronic format (upper case, no spaces) when its length and check digits are right; else null. */
export function validIban(value: string): string | null {
  const iban = electronicFormatIBAN(value) ?? '';
  return isValidIBAN(iban) ? iban : null;
}

/** A BIC upper-cased without spaces when it is one; else null. */
export function validBic(value: string): string | null {
  const bic = value.replace(/\s+/g, '').toUpperCase();
  return isValidBIC(bic) ? bic : null;
}
