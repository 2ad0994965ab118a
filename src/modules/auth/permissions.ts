import { Role } from '../common/role';

const {
  SUPPORT_AGENT,
  SUPPORT_LEAD,
  ACCOUNTANT,
  HR,
  FULFILLMENT,
  REPORTING,
  IT_SUPPORT,
  COMPLIANCE,
} = Role;
const SUPPORT = [SUPPORT_AGENT, SUPPORT_LEAD] as const;

/**
 * Who may do what: the one place that says it. Resolvers reference these lists in `@Authorized`;
 * ADMIN may always (the auth checker adds it). An empty list means any signed-in viewer.
 */
export const Permissions = {
  admin: [Role.ADMIN],
  customers: {
    read: [...SUPPORT, FULFILLMENT, ACCOUNTANT, REPORTING],
    write: [...SUPPORT, ACCOUNTANT],
  },
  catalog: {
    read: [...SUPPORT, FULFILLMENT, ACCOUNTANT, REPORTING],
    write: [FULFILLMENT],
    adjustStock: [FULFILLMENT],
  },
  orders: {
    read: [...SUPPORT, FULFILLMENT, ACCOUNTANT, REPORTING],
    place: [...SUPPORT, FULFILLMENT],
    fulfil: [FULFILLMENT],
    cancel: [...SUPPORT, FULFILLMENT],
  },
  ledger: {
    /** Accounts, journal entries, statements, aging and bills (vendors: `vendors.read`). */
    read: [ACCOUNTANT],
    post: [ACCOUNTANT],
    /** The cash flow statement: accountants, and reporting tools read it. */
    cashFlow: [ACCOUNTANT, REPORTING],
  },
  receivables: {
    /** Invoices and what customers owe. */
    read: [ACCOUNTANT, REPORTING, ...SUPPORT],
    recordPayment: [ACCOUNTANT],
    /** Emailing an invoice on demand (`sendInvoice`). */
    send: [ACCOUNTANT],
  },
  banking: {
    /** Bank accounts, statements, lines, matches, rules and CSV mappings. */
    read: [ACCOUNTANT, REPORTING],
    /** Importing statements, reconciling, rules and mappings. */
    write: [ACCOUNTANT],
  },
  collections: {
    /** Dunning policies, notices, disputes. */
    read: [ACCOUNTANT, REPORTING],
    /** Policies, runs, disputes and waivers. */
    write: [ACCOUNTANT],
  },
  support: {
    read: [...SUPPORT, REPORTING],
    /** Working tickets: replies, notes, status, tags, assigning to oneself. */
    work: [...SUPPORT],
    /** SLA policies, macros, automatic assignment (assigning to others is checked by the service). */
    lead: [SUPPORT_LEAD],
    /** Internal notes; REPORTING reads tickets without them. */
    internalNotes: [...SUPPORT],
    metrics: [SUPPORT_LEAD, REPORTING],
  },
  reports: {
    sales: [REPORTING, ACCOUNTANT, SUPPORT_LEAD],
  },
  employees: {
    /** Hiring, changes, terminations, salaries, departments. */
    manage: [HR],
    payroll: [HR],
  },
  people: {
    /** Checklist templates, every employee's checklists, and completing any checklist item. */
    checklists: [HR],
    /** Every employee's checklists, and their IT_SUPPORT items (equipment, accounts). */
    itChecklistItems: [IT_SUPPORT],
    /** Courses, recording completions, the training matrix and expiring certifications. */
    training: [HR],
    payments: {
      /** Employee bank accounts of others (everyone sets their own), payment files made and voided. */
      manage: [HR],
      /** Payment files listed without their content; settled and returned: the books' side of paying. */
      settle: [HR, ACCOUNTANT],
    },
    /**
     * Recruiting: openings, applications, interviews, offers (with their salaries) and hiring.
     * Interviewers, whatever their roles, see only the applications they are on (checked by the
     * reads); an offer outside its opening's band is approved by ADMIN alone (`admin`).
     */
    recruiting: [HR],
  },
  vendors: {
    /**
     * Vendors and their terms (email, payment terms, tolerances): the ledger's readers, and
     * purchasing's (FULFILLMENT buys from them).
     */
    read: [ACCOUNTANT, FULFILLMENT, REPORTING],
    /** createVendor and updateVendor. */
    write: [ACCOUNTANT],
  },
  purchasing: {
    /**
     * Purchase orders (their PDFs included), receipts, reorder rules and their live events;
     * vendors through `vendors.read`.
     */
    read: [ACCOUNTANT, FULFILLMENT, REPORTING],
    /**
     * Writing purchase orders and reorder rules, running replenishment, cancelling and closing;
     * approving an order at or under PO_APPROVAL_THRESHOLD. Above it, `approve` (checked by the
     * service, APPROVAL_REQUIRED).
     */
    order: [ACCOUNTANT, FULFILLMENT],
    approve: [ACCOUNTANT],
    /** Receiving goods into stock. */
    receive: [FULFILLMENT],
    /** Mailing an approved order to its vendor again, on demand (`sendPurchaseOrder`). */
    send: [ACCOUNTANT, FULFILLMENT],
    /** Bills against purchase orders and approving their variances (vendors' terms: `vendors.write`). */
    bill: [ACCOUNTANT],
  },
  assets: {
    /**
     * Assets, who holds them, audits, service contracts, maintenance plans and work orders: IT
     * support, accountants (cost, contracts), HR (what leaving employees hold) and reporting.
     */
    read: [IT_SUPPORT, ACCOUNTANT, HR, REPORTING],
    /** Creating and changing assets, custody, audits, contracts, plans and work orders. */
    manage: [IT_SUPPORT],
  },
  itDesk: {
    /**
     * The IT queue: tickets employees report about their equipment and accounts. (Every employee
     * reports issues and reads their own reports, whatever their roles.)
     */
    read: [IT_SUPPORT, REPORTING],
    /** Working IT tickets: replies, notes, status, tags, assignment, macros, merges. */
    work: [IT_SUPPORT],
    /** Internal notes on IT tickets; REPORTING reads the IT queue without them. */
    internalNotes: [IT_SUPPORT],
    /** Assigning IT tickets to colleagues (the IT desk has no lead: its staff dispatch). */
    assignOthers: [IT_SUPPORT],
  },
  compliance: {
    /** The audit trail and its verification (`auditTrail`, `verifyAuditChain`). */
    auditTrail: [COMPLIANCE],
    /** Retention policies, their previews and runs. */
    retention: [COMPLIANCE],
    /** Legal holds: placing, releasing and listing them. */
    legalHolds: [COMPLIANCE],
    /** Data subject requests (access and erasure) and their bundles. */
    privacy: [COMPLIANCE],
    /**
     * Exports of the audit trail. Exports of other lists need the right to read the list (the
     * journal: `ledger.read`; invoices: `receivables.read`; tickets: `support.read`), or this.
     */
    exports: [COMPLIANCE],
  },
} as const;
