import { GraphQLError } from 'graphql';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { BusinessRuleError, UserErrorCode } from '../modules/common/errors';

/** One description per code; a `Record` so a new code without one does not compile. */
const USER_ERROR_CODE_DESCRIPTIONS: Record<UserErrorCode, string> = {
  INVALID_INPUT: 'A value breaks a rule of its field (length, range, format); `field` names it.',
  NOT_FOUND:
    'A referenced record does not exist or is not visible to you; `field` names the reference.',
  INVALID_CREDENTIALS:
    'The email or password is wrong, or the account may not sign in. Deliberately does not say which.',
  EMAIL_TAKEN: 'Another record already uses this email address (compared case-insensitively).',
  IDEMPOTENCY_KEY_REUSED:
    'The idempotency key was already used with different input; use a new key for a new request.',
  ALREADY_REVOKED: 'The API token was already revoked.',
  CUSTOMER_INACTIVE: 'The customer is inactive and may not place orders.',
  SKU_TAKEN: 'Another product already uses this SKU (compared case-insensitively).',
  PRODUCT_UNAVAILABLE:
    'The product is inactive and cannot be ordered; `field` names the order line.',
  INSUFFICIENT_STOCK:
    'The adjustment would take on-hand stock below what is reserved (or below zero).',
  OUT_OF_STOCK:
    'Not enough stock is available for an order line; `field` names the line. Nothing was reserved.',
  INVALID_TRANSITION:
    'The object is not in a state that allows this change (see its `nextStates`).',
  CODE_TAKEN: 'Another account already uses this code.',
  UNBALANCED: "The journal entry's debits do not equal its credits.",
  ALREADY_REVERSED: 'The journal entry was already reversed; an entry is reversed at most once.',
  PERIOD_CLOSED:
    'The books are closed through a date on or after the posting date; post on an open date.',
  OVERPAYMENT: 'The amount is more than what is owed.',
  NAME_TAKEN: 'Another record already uses this name.',
  MANAGER_CYCLE: 'The chain of managers would loop back to the employee.',
  ALREADY_POSTED: 'The payroll run was already posted to the ledger.',
  PAYROLL_PERIOD_OVERLAP: 'The period overlaps a payroll run that was already posted.',
  STALE_TICKET:
    'The ticket changed since you loaded `expectedVersion`; reload it and try again, so two agents never answer over each other.',
  INVALID_ASSIGNEE: 'The assignee is not an active support agent, or you may not assign to them.',
  INVALID_TOKEN: 'The survey token was altered or names no survey: use the link from the email.',
  SURVEY_CLOSED:
    'The survey no longer takes answers: an answer can be given or changed for 7 days after the survey was sent.',
  NO_EMAIL_ADDRESS: 'The customer has no email address to send it to; add one and try again.',
  MALFORMED_STATEMENT:
    'The bank statement file cannot be read; the message names the element or line. Nothing was imported.',
  ACCOUNT_MISMATCH:
    "The statement is for another bank account (its IBAN or number is not this account's).",
  CURRENCY_MISMATCH:
    'The amounts are in different currencies: a statement and its bank account, or a bank line and the books.',
  STATEMENT_GAP:
    "The statement does not open at the previous statement's closing balance; the message names the difference.",
  MATCH_EXCEEDS_LINE: 'The matches add up to more than what is open on the bank line.',
  ALREADY_CLEARED:
    'That ledger line is already cleared by bank lines (or has less left than the match).',
  NOT_RECONCILED: 'The bank line has no matches to undo.',
  CHECKLIST_BLOCKED:
    'A blocking item of the checklist is still open: it must be done before the last of the other items.',
  EMPLOYEE_BANK_ACCOUNT_MISSING:
    'Employees the payment file would pay have no bank account of its kind in force on its execution date (the message names them).',
  PAYMENT_FILE_EXISTS:
    'The payroll run already has a live payment file of that format, or every payslip of it is paid or being paid.',
  STALE_APPLICATION:
    'The application changed since you loaded `expectedVersion`; reload it and try again, so two people never move it over each other.',
  OPENING_CLOSED: 'The job opening is closed: it takes no applications.',
  ALREADY_APPLIED: 'This candidate (by normalised email) already applied to this opening.',
  HEADCOUNT_FILLED: 'The job opening has already hired as many people as its headcount.',
  MATCH_EXCEPTION:
    'The bill does not match its purchase order (quantity or price): it is paid only after approveBillVariance.',
  RECEIPT_TOLERANCE_EXCEEDED:
    'More units than the purchase order line allows: its quantity plus the receipt tolerance.',
  APPROVAL_REQUIRED:
    'The purchase order is above PO_APPROVAL_THRESHOLD: an ADMIN or ACCOUNTANT approves it.',
  TAG_TAKEN: 'Another asset already has this tag.',
  ASSET_UNAVAILABLE:
    'The asset cannot do this in its current state: only an IN_STOCK asset is checked out, an ASSIGNED one checked in, and a RETIRED one is final.',
  STALE_ASSET: 'The asset changed since you loaded `expectedVersion`; reload it and try again.',
  ASSETS_OUTSTANDING:
    'The employee still holds company equipment: it is checked in (or reported lost) before offboarding completes.',
  LEGAL_HOLD:
    'The record is under a legal hold (the message names it): it is neither erased nor purged until the hold is released.',
  PREVIEW_REQUIRED:
    'A retention policy is enabled only after a dry run (`previewRetention`) of exactly its current period and action; changing either disables it until previewed again.',
  EXPORT_NOT_ALLOWED:
    'You may not read the list this export would hold (see `ExportKind`): nothing was exported.',
};

registerEnumType(UserErrorCode, {
  name: 'UserErrorCode',
  description:
    'Why a mutation was refused by a business rule. Nothing was written when a user error is returned.',
  valuesConfig: Object.fromEntries(
    Object.entries(USER_ERROR_CODE_DESCRIPTIONS).map(([code, description]) => [
      code,
      { description },
    ]),
  ),
});

@ObjectType({
  description:
    'A business-rule refusal: why a mutation did not happen, and which input field caused it.',
})
export class UserError {
  @Field(() => UserErrorCode, { description: 'A stable code that clients can switch on.' })
  code!: UserErrorCode;

  @Field(() => [String], {
    nullable: true,
    description:
      'The path to the input field at fault, such as ["input", "lines", "0", "quantity"]; null when no single field is at fault.',
  })
  field?: string[] | null;

  @Field(() => String, { description: 'A human-readable explanation, in English.' })
  message!: string;
}

/** The payload entry for a business-rule refusal. */
export function userErrorOf(error: BusinessRuleError): UserError {
  return Object.assign(new UserError(), {
    code: error.code,
    field: error.field,
    message: error.message,
  });
}

/** A payload: what the mutation made or changed, plus the reasons it was refused. */
export type Payload<T extends object> = Partial<T> & { userErrors: UserError[] };

/**
 * Runs a mutation's service call and shapes its result as a payload. Business-rule refusals become
 * `userErrors`; anything else propagates (and is masked as an internal error).
 */
export async function toPayload<T extends object>(action: () => Promise<T>): Promise<Payload<T>> {
  try {
    return { ...(await action()), userErrors: [] };
  } catch (error) {
    if (error instanceof BusinessRuleError)
      return { userErrors: [userErrorOf(error)] } as Payload<T>;
    throw error;
  }
}

/**
 * Queries have no payload for user errors: a business-rule refusal there (a date range the wrong
 * way round) is malformed input, a GraphQL error with BAD_USER_INPUT.
 */
export async function asQueryInput<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof BusinessRuleError) {
      throw new GraphQLError(error.message, {
        extensions: { code: 'BAD_USER_INPUT', field: error.field },
      });
    }
    throw error;
  }
}
