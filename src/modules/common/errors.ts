/** Every reason a business rule can refuse a mutation. Clients switch on these codes. */
export enum UserErrorCode {
  INVALID_INPUT = 'INVALID_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  EMAIL_TAKEN = 'EMAIL_TAKEN',
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  ALREADY_REVOKED = 'ALREADY_REVOKED',
  CUSTOMER_INACTIVE = 'CUSTOMER_INACTIVE',
  SKU_TAKEN = 'SKU_TAKEN',
  PRODUCT_UNAVAILABLE = 'PRODUCT_UNAVAILABLE',
  INSUFFICIENT_STOCK = 'INSUFFICIENT_STOCK',
  OUT_OF_STOCK = 'OUT_OF_STOCK',
  INVALID_TRANSITION = 'INVALID_TRANSITION',
  CODE_TAKEN = 'CODE_TAKEN',
  UNBALANCED = 'UNBALANCED',
  ALREADY_REVERSED = 'ALREADY_REVERSED',
  PERIOD_CLOSED = 'PERIOD_CLOSED',
  OVERPAYMENT = 'OVERPAYMENT',
  NAME_TAKEN = 'NAME_TAKEN',
  MANAGER_CYCLE = 'MANAGER_CYCLE',
  ALREADY_POSTED = 'ALREADY_POSTED',
  PAYROLL_PERIOD_OVERLAP = 'PAYROLL_PERIOD_OVERLAP',
  STALE_TICKET = 'STALE_TICKET',
  INVALID_ASSIGNEE = 'INVALID_ASSIGNEE',
  /** A satisfaction survey token that was forged, or names no survey. */
  INVALID_TOKEN = 'INVALID_TOKEN',
  /** A satisfaction survey past the time it takes answers (7 days from when it was sent). */
  SURVEY_CLOSED = 'SURVEY_CLOSED',
  NO_EMAIL_ADDRESS = 'NO_EMAIL_ADDRESS',
  /** A bank statement file that cannot be read; the message names the element or line. */
  MALFORMED_STATEMENT = 'MALFORMED_STATEMENT',
  /** A statement of another bank account than the one it was imported into. */
  ACCOUNT_MISMATCH = 'ACCOUNT_MISMATCH',
  /** Amounts in different currencies: a statement and its account, or a bank line and the books. */
  CURRENCY_MISMATCH = 'CURRENCY_MISMATCH',
  /** A statement that does not open where the account's previous statement closed. */
  STATEMENT_GAP = 'STATEMENT_GAP',
  /** Matches that add up to more than what is open on the bank line. */
  MATCH_EXCEEDS_LINE = 'MATCH_EXCEEDS_LINE',
  /** A ledger line that bank lines have already cleared (in full, or by more than is left). */
  ALREADY_CLEARED = 'ALREADY_CLEARED',
  /** Undoing the matches of a bank line that has none. */
  NOT_RECONCILED = 'NOT_RECONCILED',
  /** The checklist's last open non-blocking item, while a blocking item is still open. */
  CHECKLIST_BLOCKED = 'CHECKLIST_BLOCKED',
  /** Employees a payment file would pay who have no bank account of its kind in force on its execution date. */
  EMPLOYEE_BANK_ACCOUNT_MISSING = 'EMPLOYEE_BANK_ACCOUNT_MISSING',
  /** A run already has a live (created, unsettled) file of that format, or nothing left to pay. */
  PAYMENT_FILE_EXISTS = 'PAYMENT_FILE_EXISTS',
  /** An application changed since the version the client read (`expectedVersion`). */
  STALE_APPLICATION = 'STALE_APPLICATION',
  /** A job opening that is closed takes no applications. */
  OPENING_CLOSED = 'OPENING_CLOSED',
  /** The candidate (by normalised email) already applied to this opening. */
  ALREADY_APPLIED = 'ALREADY_APPLIED',
  /** The opening has hired as many people as its headcount. */
  HEADCOUNT_FILLED = 'HEADCOUNT_FILLED',
  /** A bill whose three-way match found an exception, paid before `approveBillVariance`. */
  MATCH_EXCEPTION = 'MATCH_EXCEPTION',
  /** Receiving more of a purchase order line than its quantity plus the receipt tolerance. */
  RECEIPT_TOLERANCE_EXCEEDED = 'RECEIPT_TOLERANCE_EXCEEDED',
  /** A purchase order above PO_APPROVAL_THRESHOLD, approved by someone who is not ADMIN or ACCOUNTANT. */
  APPROVAL_REQUIRED = 'APPROVAL_REQUIRED',
  /** Another asset already has this tag. */
  TAG_TAKEN = 'TAG_TAKEN',
  /** An asset that cannot be checked out (not IN_STOCK) or acted on in its current state. */
  ASSET_UNAVAILABLE = 'ASSET_UNAVAILABLE',
  /** The asset changed since the version the client loaded. */
  STALE_ASSET = 'STALE_ASSET',
  /** Offboarding waits for equipment the employee still holds. */
  ASSETS_OUTSTANDING = 'ASSETS_OUTSTANDING',
  /** A record under a legal hold: retention and erasure skip it; the message names the hold. */
  LEGAL_HOLD = 'LEGAL_HOLD',
  /** Enabling a retention policy whose current settings were never previewed (a dry run). */
  PREVIEW_REQUIRED = 'PREVIEW_REQUIRED',
  /** An export of a list the viewer may not read (the journal without `ledger.read`, …). */
  EXPORT_NOT_ALLOWED = 'EXPORT_NOT_ALLOWED',
}

/**
 * Thrown by services to refuse a request on a business rule. Thrown inside a transaction it rolls
 * everything back; the resolver turns it into a `UserError` in the payload (HTTP 200, see
 * graphql/user-error.ts).
 */
export class BusinessRuleError extends Error {
  constructor(
    readonly code: UserErrorCode,
    message: string,
    readonly field: string[] | null = null,
  ) {
    super(message);
    this.name = 'BusinessRuleError';
  }
}

/** Refuses a request on a business rule: a user error naming the field; nothing is written. */
export function refuse(code: UserErrorCode, message: string, field: string[] | null = null): never {
  throw new BusinessRuleError(code, message, field);
}
