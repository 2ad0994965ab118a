import { assetPersonalData } from './assets/asset.personal-data';
import type { PersonalDataSource } from './common/personal-data';
import { collectionsPersonalData } from './collections/collections.personal-data';
import { dataSubjectRequestPersonalData } from './compliance/data-subject.personal-data';
import { customerPersonalData } from './customers/customer.personal-data';
import { employeePersonalData } from './employees/employee.personal-data';
import { receivablesPersonalData } from './ledger/receivables.personal-data';
import { eventLogPersonalData } from './operations/event-log.personal-data';
import { mailPersonalData } from './operations/mail.personal-data';
import { orderPersonalData } from './orders/order.personal-data';
import { recruitingPersonalData } from './people/recruiting.personal-data';
import {
  attachmentPersonalData,
  satisfactionPersonalData,
  ticketPersonalData,
} from './support/support.personal-data';

/**
 * Every source of personal data, in the order a data subject request reads them (the bundle's
 * sections). The event log comes last: it reads the history of every record the others found.
 * A module that adds a table holding data about people adds its source here, or its columns to
 * NOT_COLLECTED with the reason; test/data-subject-requests.test.ts fails until it does.
 */
export const PERSONAL_DATA_SOURCES: readonly PersonalDataSource[] = [
  customerPersonalData,
  orderPersonalData,
  receivablesPersonalData,
  collectionsPersonalData,
  ticketPersonalData,
  attachmentPersonalData,
  satisfactionPersonalData,
  mailPersonalData,
  recruitingPersonalData,
  employeePersonalData,
  assetPersonalData,
  dataSubjectRequestPersonalData,
  eventLogPersonalData,
];

/**
 * The text, jsonb and array columns no source collects, per table, and why. Not a wildcard: a
 * new column is in neither list until someone decides, and the registry test says so.
 */
export const NOT_COLLECTED: Readonly<Record<string, { columns: readonly string[]; why: string }>> =
  {
    account: {
      columns: ['cash_flow_section', 'code', 'name', 'normal_balance', 'type'],
      why: 'the chart of accounts',
    },
    api_token: {
      columns: ['name', 'prefix', 'roles', 'token_hash'],
      why: 'credentials of tools: never handed out, even to their owner',
    },
    asset: {
      columns: [
        'location',
        'model',
        'notes',
        'serial_number',
        'status',
        'status_reason',
        'tag',
        'type',
      ],
      why: "the company's equipment; what an employee held is in asset_assignment (equipment)",
    },
    asset_audit: {
      columns: ['condition', 'location', 'note'],
      why: 'inventory counts of equipment',
    },
    audit_chain_head: { columns: ['hash', 'pruned_hash'], why: "the audit trail's seal" },
    audit_record: {
      columns: [
        'action',
        'detail',
        'hash',
        'ip',
        'kind',
        'prev_hash',
        'request_id',
        'result',
        'target',
      ],
      why: "what employees did, kept for security and accountability (details hold ids and counts, never a person's data); sealed, so neither disclosed nor erased per person",
    },
    bank_account: {
      columns: [
        'account_number',
        'ach_company_id',
        'bic',
        'currency',
        'iban',
        'name',
        'routing_number',
      ],
      why: "the company's own bank accounts",
    },
    bank_counterparty: {
      columns: ['account'],
      why: 'personal, but not linked to an email address: a payer account as banks report it, used to suggest matches',
    },
    bank_match: { columns: ['kind', 'undo_reason'], why: 'reconciliation bookkeeping' },
    bank_rule: {
      columns: ['direction', 'memo', 'name', 'text_contains'],
      why: 'reconciliation rules',
    },
    bank_statement: {
      columns: ['external_id', 'format', 'warnings'],
      why: "the company's bank statements",
    },
    bank_statement_file: { columns: ['format', 'sha256'], why: 'imported statement files' },
    bank_statement_line: {
      columns: [
        'bank_reference',
        'bank_transaction_code',
        'counterparty_account',
        'counterparty_name',
        'identity',
        'reference',
        'remittance',
        'status',
      ],
      why: 'personal, but not linked to an email address: a payer as their bank printed them, kept for the books; their payments are in payment',
    },
    bill: {
      columns: [
        'match_exceptions',
        'match_status',
        'memo',
        'number',
        'status',
        'variance_approval_reason',
      ],
      why: "vendors' bills (vendors are businesses)",
    },
    checklist: { columns: ['kind'], why: 'onboarding and offboarding checklists: tasks' },
    checklist_item: { columns: ['assignee_role', 'title'], why: 'checklist tasks' },
    checklist_template: { columns: ['kind', 'name'], why: 'checklist templates' },
    checklist_template_item: { columns: ['assignee_role', 'title'], why: 'checklist templates' },
    course: { columns: ['name', 'required_for_roles'], why: 'the training catalogue' },
    csv_mapping: { columns: ['mapping', 'name'], why: 'bank statement import settings' },
    custody_terms: { columns: ['sha256', 'text'], why: 'the equipment custody terms' },
    department: { columns: ['name'], why: "the company's departments" },
    document: {
      columns: ['content_type', 'filename', 'key', 'kind', 'sha256'],
      why: 'rendered documents: their data is in the records they render (invoices, payslips), collected there',
    },
    dunning_level: {
      columns: ['letter_text'],
      why: 'letter templates; a letter as sent is in dunning_notice',
    },
    dunning_notice_line: { columns: ['segments'], why: 'how interest was computed' },
    dunning_policy: { columns: ['name'], why: 'dunning settings' },
    employee: {
      columns: ['password_hash'],
      why: 'a credential (a one-way hash): never handed out',
    },
    goods_receipt: { columns: ['note'], why: 'purchasing: goods received from vendors' },
    goods_receipt_line: { columns: ['rejection_reason'], why: 'purchasing: goods received' },
    idempotency_key: {
      columns: ['key', 'request_hash', 'result_id', 'scope'],
      why: "retried requests' keys and input hashes",
    },
    inbound_email: {
      columns: ['envelope_recipients', 'message_id', 'reason', 'source'],
      why: "transport details: our own addresses, message ids, our processing's reason codes",
    },
    job_opening: { columns: ['status', 'title'], why: "the company's openings" },
    journal_entry: {
      columns: ['memo', 'source'],
      why: 'the books, kept for the legal retention period; not linked to a person',
    },
    journal_line: { columns: ['memo'], why: 'the books, kept for the legal retention period' },
    ledger_counter: { columns: ['name'], why: 'number sequences' },
    data_export: {
      columns: ['columns', 'error', 'format', 'kind', 'scope', 'sha256', 'status'],
      why: 'an export of a list: its settings and manifest (the file is the list, read by who may read it)',
    },
    retention_policy: {
      columns: ['action', 'previewed_fingerprint', 'record_class'],
      why: 'a retention setting',
    },
    legal_hold: {
      columns: ['reason', 'release_reason', 'target_type'],
      why: 'the matter a hold is for: legal proceedings, not disclosed through a request',
    },
    macro: {
      columns: ['add_tags', 'body', 'name', 'set_priority', 'set_status'],
      why: 'reply templates',
    },
    maintenance_plan: {
      columns: ['asset_type', 'instructions', 'name', 'rrule'],
      why: 'equipment maintenance',
    },
    outbound_email: {
      columns: [
        'attachment_ids',
        'document_ids',
        'error',
        'from_address',
        'html_body',
        'in_reply_to',
        'message_id',
        'raw',
        'references',
        'reply_to',
        'transport',
      ],
      why: 'the same message as text_body (as HTML and as sent), and transport details: our addresses, message ids, delivery errors',
    },
    payment_file: {
      columns: [
        'currency',
        'file_id_modifier',
        'format',
        'message_id',
        'sha256',
        'status',
        'void_reason',
      ],
      why: 'bank payment files of payroll runs',
    },
    payment_file_item: {
      columns: ['end_to_end_id', 'return_reason', 'status', 'trace_number'],
      why: "bank references of salary payments; the payslips they pay are in 'employment'",
    },
    payroll_run: { columns: ['status'], why: 'payroll runs' },
    product: { columns: ['description', 'name', 'sku'], why: 'the catalogue' },
    purchase_order: {
      columns: ['closed_reason', 'note', 'number', 'origin', 'status'],
      why: 'purchasing with vendors (businesses)',
    },
    purchase_order_line: { columns: ['proposal'], why: 'replenishment proposals' },
    salary_access: { columns: ['field'], why: 'a log of who read which salary field (ids only)' },
    service_contract: {
      columns: ['description', 'name', 'reference'],
      why: "vendors' service contracts",
    },
    sla_policy: { columns: ['priority'], why: 'support settings' },
    stock_movement: { columns: ['kind', 'reason'], why: 'stock bookkeeping' },
    support_settings: { columns: ['auto_assign'], why: 'support settings' },
    vendor: {
      columns: ['email', 'name'],
      why: "vendors are businesses: a vendor's address is a company's",
    },
    work_order: {
      columns: [
        'cancel_reason',
        'instructions',
        'notes',
        'number',
        'skipped_occurrences',
        'status',
        'title',
      ],
      why: 'equipment maintenance',
    },
  };
