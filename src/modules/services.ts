import { AuthService } from './auth/auth.service';
import type { SessionTokens } from './auth/session-token';
import { CatalogService } from './catalog/catalog.service';
import { CustomerService } from './customers/customer.service';
import { EmployeeService } from './employees/employee.service';
import { PayrollService } from './employees/payroll.service';
import { EmployeeDocumentsService } from './employees/employee-documents.service';
import { LedgerService } from './ledger/ledger.service';
import { ReceivablesService } from './ledger/receivables.service';
import { StatementsService } from './ledger/statements.service';
import { OrderService } from './orders/order.service';
import { ReportingService } from './reporting/reporting.service';
import { SupportMetricsService } from './support/support-metrics.service';
import { SupportService } from './support/support.service';
import { systemClock, type Clock } from './common/clock';
import type { Outbox } from '../mail/outbox';
import type { ReplyAddresses } from '../mail/reply-address';
import { TicketMail } from './support/ticket-mail';
import { TicketAttachmentService } from './support/ticket-attachments.service';
import type { SignedLinks } from './common/signed-links';
import { SatisfactionService } from './support/satisfaction.service';
import type { SurveyTokens } from './support/survey-tokens';
import type { JobQueue } from '../jobs/job-queue';
import { InvoiceDocuments, type CompanyDetails } from './ledger/invoice-document';
import { InvoiceSending } from './ledger/invoice-sending';
import { PayslipDocuments } from './employees/payslip-document';
import { YearEndStatementDocuments } from './employees/year-end-statement-document';
import { EmployeeDocumentSending } from './employees/employee-document-sending';
import { EmployeeBankAccountService } from './employees/employee-bank-account.service';
import { PaymentFileService } from './employees/payment-file.service';
import { BankingService } from './banking/banking.service';
import { ReconciliationService } from './banking/reconciliation.service';
import { StatementImportService } from './banking/statement-import.service';
import { CollectionsService } from './collections/collections.service';
import { DunningNoticeDocuments } from './collections/dunning-notice-document';
import { DunningNoticeSending } from './collections/dunning-jobs';
import { ChecklistService } from './people/checklist.service';
import { TrainingService } from './people/training.service';
import { TrainingReminders } from './people/training.reminders';
import { RecruitingService } from './people/recruiting.service';
import { CandidateMail } from './people/candidate-email';
import { PurchaseOrderService } from './purchasing/purchase-order.service';
import { ReplenishmentService } from './purchasing/replenishment.service';
import { PurchaseOrderDocuments } from './purchasing/purchase-order-document';
import { PurchaseOrderSending } from './purchasing/purchase-order-sending';
import { AssetService } from './assets/asset.service';
import { CustodyService } from './assets/custody.service';
import { ServiceContractService } from './assets/service-contract.service';
import { MaintenanceService } from './assets/maintenance.service';
import { MaintenanceMail } from './assets/maintenance-mail';
import { LegalHoldService } from './compliance/legal-hold.service';
import { DataSubjectRequestService } from './compliance/data-subject-request.service';
import { PERSONAL_DATA_SOURCES } from './personal-data';
import { ErasureService } from './compliance/erasure.service';
import { RetentionService } from './compliance/retention.service';
import { ExportService } from './compliance/export.service';
import { EXPORT_KINDS } from './export-kinds';

/** The business services, wired to each other. They need nothing from the outside. */
export interface DomainServices {
  customers: CustomerService;
  catalog: CatalogService;
  orders: OrderService;
  ledger: LedgerService;
  statements: StatementsService;
  receivables: ReceivablesService;
  reporting: ReportingService;
  employees: EmployeeService;
  payroll: PayrollService;
  /** Employees' documents (payslips, year-end statements) and their year-to-date sums. */
  employeeDocuments: EmployeeDocumentsService;
  support: SupportService;
  supportMetrics: SupportMetricsService;
  /** Legal holds, which retention and erasure check in their own transactions. */
  legalHolds: LegalHoldService;
  /** Erasure of a data subject (the ERASURE side of a privacy request), in the caller's transaction. */
  erasure: ErasureService;
  /** Retention policies, their dry runs and runs (daily, and on demand). */
  retention: RetentionService;
  /** Satisfaction surveys: made when an agent solves a ticket, answered through their link. */
  satisfaction: SatisfactionService;
  /** Bank accounts, rules, CSV mappings, suggestions and automatic matching. */
  banking: BankingService;
  /** Bank statement files in: parsed, deduplicated, continuous. */
  statementImport: StatementImportService;
  /** Bank lines matched to invoices, bills, entries and rules, and undone. */
  reconciliation: ReconciliationService;
  /** Collections: dunning policies, disputes, runs and waivers. */
  collections: CollectionsService;
  /** Onboarding and offboarding checklists: made by hires and terminations, and their templates. */
  checklists: ChecklistService;
  /** Courses, completions, the training matrix and expiring certifications. */
  training: TrainingService;
  /** Recruiting: openings, applications, interviews, offers, hires and retention. */
  recruiting: RecruitingService;
  /** Purchase orders, goods receipts and bills matched three ways against them. */
  purchaseOrders: PurchaseOrderService;
  /** Reorder rules and the replenishment run (daily, and on demand). */
  replenishment: ReplenishmentService;
  /** Assets and their status. */
  assets: AssetService;
  /** Who holds what: check-outs, acceptances, check-ins, losses, audits and custody terms. */
  custody: CustodyService;
  /** Vendors' service contracts over assets. */
  serviceContracts: ServiceContractService;
  /** Maintenance plans, their scheduler (daily, and on demand) and work orders. */
  maintenance: MaintenanceService;
}

/** Every service, created once per process and shared by every request. */
export interface Services extends DomainServices {
  auth: AuthService;
  /** Files on tickets: uploads and downloads (`/attachments`). */
  attachments: TicketAttachmentService;
  /** Invoice PDFs (`/documents/invoices/…`). */
  invoiceDocuments: InvoiceDocuments;
  /** Mailing invoices: the ship job, the sweep and `sendInvoice`. */
  invoiceSending: InvoiceSending;
  /** Payslip PDFs (`/documents/payslips/…`). */
  payslipDocuments: PayslipDocuments;
  /** Year-end pay statement PDFs (`/documents/year-end-statements/…`). */
  yearEndStatementDocuments: YearEndStatementDocuments;
  /** Mailing payslips and final year-end statements to their employees. */
  employeeDocumentSending: EmployeeDocumentSending;
  /** Dunning notice PDFs (`/documents/dunning-notices/…`). */
  dunningNoticeDocuments: DunningNoticeDocuments;
  /** Mailing dunning notices, and the daily dunning run. */
  dunningNoticeSending: DunningNoticeSending;
  /** The daily training expiry reminders. */
  trainingReminders: TrainingReminders;
  /** Employees' effective-dated bank accounts; a change mails the employee. */
  employeeBankAccounts: EmployeeBankAccountService;
  /** Payment files of posted payroll runs (`/documents/payment-files/…`), settled and returned. */
  paymentFiles: PaymentFileService;
  /** Purchase order PDFs (`/documents/purchase-orders/…`). */
  purchaseOrderDocuments: PurchaseOrderDocuments;
  /** Mailing approved purchase orders to their vendors: the approval's job and `sendPurchaseOrder`. */
  purchaseOrderSending: PurchaseOrderSending;
  /** Data subject requests (ACCESS bundles at `/documents/data-subject-bundles/…`, ERASURE). */
  dataSubjectRequests: DataSubjectRequestService;
  /** Exports of lists (`createExport`), their job and their downloads (`/exports/…`). */
  exports: ExportService;
}

export interface DomainSettings {
  /** Flat payroll withholding, in basis points (2000 = 20%). */
  payrollWithholdingBasisPoints?: number;
  /** Where services read the time (tests move it). */
  clock?: Clock;
  /** Make a satisfaction survey when an agent solves a ticket (CSAT_SURVEYS; default true). */
  csatSurveys?: boolean;
  /** Days a data subject request is due in (DSR_DUE_DAYS; default 30). */
  dsrDueDays?: number;
  /** Purchase orders above this, in minor units, wait for approval (PO_APPROVAL_THRESHOLD; default 1000.00). */
  poApprovalThresholdMinor?: bigint;
  /** An hour of internal maintenance labour, in minor units (MAINTENANCE_LABOUR_RATE; default 50.00). */
  maintenanceLabourRateMinor?: bigint;
}

export function createDomainServices(settings: DomainSettings = {}): DomainServices {
  const clock = settings.clock ?? systemClock;
  const customers = new CustomerService();
  const catalog = new CatalogService();
  const orders = new OrderService(customers, catalog);
  const ledger = new LedgerService();
  const receivables = new ReceivablesService(ledger, customers);
  orders.onShipment(receivables);
  const employees = new EmployeeService();
  const purchaseOrders = new PurchaseOrderService(
    catalog,
    ledger,
    receivables,
    clock,
    settings.poApprovalThresholdMinor ?? 100_000n,
  );
  const assets = new AssetService(receivables, purchaseOrders, clock);
  const support = new SupportService(clock, customers, orders, employees, assets);
  employees.onTermination(support);
  const checklists = new ChecklistService(employees, clock);
  employees.onHire(checklists);
  employees.onTermination(checklists);
  const satisfaction = new SatisfactionService(
    clock,
    support.correspondents,
    settings.csatSurveys ?? true,
  );
  support.onSolve(satisfaction);
  const reconciliation = new ReconciliationService(ledger, receivables);
  const employeeDocuments = new EmployeeDocumentsService(clock);
  const custody = new CustodyService(assets, employees, checklists, clock);
  // After the checklists' listener: the offboarding checklist exists when custody adds to it.
  employees.onTermination(custody);
  const legalHolds = new LegalHoldService(customers, employees, support, clock);
  const recruiting = new RecruitingService(employees, clock);
  return {
    customers,
    catalog,
    orders,
    ledger,
    statements: new StatementsService(),
    receivables,
    reporting: new ReportingService(),
    employees,
    payroll: new PayrollService(
      ledger,
      employeeDocuments,
      settings.payrollWithholdingBasisPoints ?? 2000,
    ),
    employeeDocuments,
    support,
    supportMetrics: new SupportMetricsService(clock),
    legalHolds,
    erasure: new ErasureService(customers, recruiting, legalHolds, clock),
    retention: new RetentionService(customers, recruiting, legalHolds, clock),
    satisfaction,
    banking: new BankingService(ledger, reconciliation),
    statementImport: new StatementImportService(),
    reconciliation,
    collections: new CollectionsService(receivables, customers, clock),
    checklists,
    training: new TrainingService(employees, clock),
    recruiting,
    purchaseOrders,
    replenishment: new ReplenishmentService(purchaseOrders, catalog, receivables, clock),
    assets,
    custody,
    serviceContracts: new ServiceContractService(assets, receivables, clock),
    maintenance: new MaintenanceService(
      assets,
      catalog,
      ledger,
      clock,
      settings.maintenanceLabourRateMinor ?? 5_000n,
    ),
  };
}

export function createServices(deps: {
  sessions: SessionTokens;
  settings: DomainSettings;
  /** Outbound mail: public replies and SLA alerts are mailed through it; links start with `publicUrl`. */
  mail: { outbox: Outbox; addresses: ReplyAddresses; publicUrl: string };
  /** Signs the links of satisfaction surveys. */
  surveyTokens: SurveyTokens;
  /** Signed download links, and the largest attachment kept (bytes). */
  attachments: { links: SignedLinks; maxBytes: number };
  /** Documents: what they print about the company; invoice mail is sent by jobs. */
  documents: { company: CompanyDetails; jobs: JobQueue };
}): Services {
  const domain = createDomainServices(deps.settings);
  const ticketMail = new TicketMail(
    deps.mail.outbox,
    deps.mail.addresses,
    domain.support.correspondents,
    domain.employees,
    deps.mail.publicUrl,
  );
  domain.support.mailRepliesWith(ticketMail);
  domain.satisfaction.sendWith(ticketMail, deps.surveyTokens);
  const auth = new AuthService(deps.sessions, domain.employees, deps.settings.clock);
  // Other instances hear of the change through the event log (server/start.ts).
  domain.employees.onAccessChange((employeeId) => auth.forgetEmployee(employeeId));
  const clock = deps.settings.clock ?? systemClock;
  const attachments = new TicketAttachmentService(
    deps.attachments.links,
    deps.attachments.maxBytes,
    clock,
  );
  const { company, jobs } = deps.documents;
  const invoiceDocuments = new InvoiceDocuments(
    domain.customers,
    domain.orders,
    company,
    deps.attachments.links,
    clock,
  );
  const invoiceSending = new InvoiceSending(
    jobs,
    deps.mail.outbox,
    invoiceDocuments,
    domain.customers,
    company,
    clock,
  );
  domain.receivables.onInvoiceIssued(invoiceSending);
  const payslipDocuments = new PayslipDocuments(
    domain.employees,
    domain.employeeDocuments,
    company,
    deps.attachments.links,
    clock,
  );
  const yearEndStatementDocuments = new YearEndStatementDocuments(
    domain.employees,
    company,
    deps.attachments.links,
    clock,
  );
  const employeeDocumentSending = new EmployeeDocumentSending(
    jobs,
    deps.mail.outbox,
    payslipDocuments,
    yearEndStatementDocuments,
    company,
    clock,
  );
  domain.employeeDocuments.onIssued(employeeDocumentSending);
  const dunningNoticeDocuments = new DunningNoticeDocuments(
    domain.customers,
    company,
    deps.attachments.links,
    clock,
  );
  const dunningNoticeSending = new DunningNoticeSending(
    jobs,
    deps.mail.outbox,
    dunningNoticeDocuments,
    domain.customers,
    company,
    clock,
  );
  domain.collections.onNoticeIssued(dunningNoticeSending);
  const employeeBankAccounts = new EmployeeBankAccountService(
    domain.employees,
    deps.mail.outbox,
    clock,
  );
  const paymentFiles = new PaymentFileService(
    domain.ledger,
    domain.banking,
    employeeBankAccounts,
    company,
    deps.attachments.links,
    clock,
  );
  domain.recruiting.mailCandidatesWith(new CandidateMail(deps.mail.outbox));
  const purchaseOrderDocuments = new PurchaseOrderDocuments(
    domain.receivables,
    domain.catalog,
    company,
    deps.attachments.links,
    clock,
  );
  const purchaseOrderSending = new PurchaseOrderSending(
    jobs,
    deps.mail.outbox,
    purchaseOrderDocuments,
    domain.receivables,
    company,
    clock,
  );
  domain.purchaseOrders.onApproval(purchaseOrderSending);
  domain.maintenance.notifyWith(new MaintenanceMail(deps.mail.outbox, domain.employees));
  const dataSubjectRequests = new DataSubjectRequestService(
    PERSONAL_DATA_SOURCES,
    domain.erasure,
    deps.attachments.links,
    clock,
    { dueDays: deps.settings.dsrDueDays ?? 30, companyName: company.companyName },
  );
  return {
    ...domain,
    auth,
    attachments,
    invoiceDocuments,
    invoiceSending,
    payslipDocuments,
    yearEndStatementDocuments,
    employeeDocumentSending,
    dunningNoticeDocuments,
    dunningNoticeSending,
    trainingReminders: new TrainingReminders(deps.mail.outbox, domain.training),
    employeeBankAccounts,
    paymentFiles,
    purchaseOrderDocuments,
    purchaseOrderSending,
    dataSubjectRequests,
    exports: new ExportService(EXPORT_KINDS, jobs, deps.attachments.links, clock),
  };
}
