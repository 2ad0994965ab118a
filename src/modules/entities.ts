import { ArchivedEvent, DomainEvent, EventRetention } from '../events/event.entity';
import { ApiToken } from './auth/api-token.entity';
import { Product, StockLevel, StockMovement } from './catalog/product.entity';
import { Customer } from './customers/customer.entity';
import { Department, Employee, SalaryAccess, SalaryChange } from './employees/employee.entity';
import { PayrollRun, Payslip } from './employees/payroll.entity';
import { EmployeeDocument, YearEndStatement } from './employees/employee-document.entity';
import { EmployeeBankAccount } from './employees/employee-bank-account.entity';
import { PaymentFile, PaymentFileItem } from './employees/payment-file.entity';
import {
  Account,
  JournalEntry,
  JournalLine,
  LedgerCounter,
  LedgerSettings,
} from './ledger/ledger.entity';
import {
  Bill,
  BillPayment,
  Invoice,
  Payment,
  PaymentAllocation,
  Vendor,
} from './ledger/receivables.entity';
import { Order, OrderLine } from './orders/order.entity';
import {
  Macro,
  SlaPolicy,
  SupportSettings,
  Ticket,
  TicketMessage,
  TicketSearchDocument,
  TicketStaffSearchDocument,
} from './support/ticket.entity';
import { IdempotencyKey } from '../db/idempotency-key.entity';
import { Attachment, InboundEmail, OutboundEmail } from '../mail/mail.entity';
import { SatisfactionSurvey } from './support/satisfaction.entity';
import { StoredDocument } from '../documents/document.entity';
import {
  BankAccount,
  BankCounterparty,
  BankMatch,
  BankRule,
  BankStatement,
  BankStatementFile,
  BankStatementLine,
  CsvMappingRecord,
  JournalLineClearing,
} from './banking/bank.entity';
import {
  CustomerDunningPolicy,
  DunningLevel,
  DunningNotice,
  DunningNoticeLine,
  DunningPolicy,
  InvoiceDunning,
} from './collections/collections.entity';
import {
  Checklist,
  ChecklistItem,
  ChecklistTemplate,
  ChecklistTemplateItem,
} from './people/checklist.entity';
import {
  Course,
  CourseDepartment,
  TrainingCompletion,
  TrainingReminder,
} from './people/training.entity';
import {
  Application,
  ApplicationStageChange,
  Candidate,
  CandidateEmail,
  Interview,
  InterviewInterviewer,
  JobOpening,
  Offer,
  Scorecard,
} from './people/recruiting.entity';
import {
  GoodsReceipt,
  GoodsReceiptLine,
  PurchaseBillLine,
  PurchaseOrder,
  PurchaseOrderEmail,
  PurchaseOrderLine,
  ReorderRule,
} from './purchasing/purchase-order.entity';
import {
  Asset,
  AssetAssignment,
  AssetAssignmentLine,
  AssetAudit,
  CustodyTerms,
  ServiceContract,
  ServiceContractAsset,
} from './assets/asset.entity';
import {
  MaintenancePlan,
  MaintenanceSchedule,
  WorkOrder,
  WorkOrderPart,
} from './assets/maintenance.entity';
import { AuditChainHead, AuditRecord } from '../events/audit.entity';
import { LegalHold } from './compliance/legal-hold.entity';
import { DataSubjectRequest } from './compliance/data-subject-request.entity';
import { RetentionPolicy } from './compliance/retention-policy.entity';
import { DataExport, DataExportChunk } from './compliance/export.entity';

/**
 * Every table Backdesk maps, handed to the ORM when it opens (db/orm.ts). A new entity is added
 * here (and a migration generated).
 */
export const ENTITIES = [
  DomainEvent,
  ArchivedEvent,
  EventRetention,
  IdempotencyKey,
  Employee,
  ApiToken,
  Customer,
  Product,
  StockLevel,
  StockMovement,
  Order,
  OrderLine,
  Account,
  JournalEntry,
  JournalLine,
  LedgerCounter,
  LedgerSettings,
  Invoice,
  Payment,
  PaymentAllocation,
  Vendor,
  Bill,
  BillPayment,
  PurchaseOrder,
  PurchaseOrderLine,
  GoodsReceipt,
  GoodsReceiptLine,
  PurchaseBillLine,
  ReorderRule,
  Asset,
  AssetAssignment,
  AssetAssignmentLine,
  AssetAudit,
  CustodyTerms,
  ServiceContract,
  ServiceContractAsset,
  MaintenancePlan,
  MaintenanceSchedule,
  WorkOrder,
  WorkOrderPart,
  PurchaseOrderEmail,
  Department,
  SalaryChange,
  SalaryAccess,
  PayrollRun,
  Payslip,
  YearEndStatement,
  EmployeeDocument,
  Ticket,
  TicketMessage,
  TicketSearchDocument,
  TicketStaffSearchDocument,
  SlaPolicy,
  SupportSettings,
  Macro,
  OutboundEmail,
  InboundEmail,
  Attachment,
  SatisfactionSurvey,
  StoredDocument,
  BankAccount,
  BankStatementFile,
  BankStatement,
  BankStatementLine,
  BankMatch,
  JournalLineClearing,
  BankRule,
  CsvMappingRecord,
  BankCounterparty,
  DunningPolicy,
  DunningLevel,
  CustomerDunningPolicy,
  InvoiceDunning,
  DunningNotice,
  DunningNoticeLine,
  ChecklistTemplate,
  ChecklistTemplateItem,
  Checklist,
  ChecklistItem,
  Course,
  CourseDepartment,
  TrainingCompletion,
  TrainingReminder,
  EmployeeBankAccount,
  PaymentFile,
  PaymentFileItem,
  JobOpening,
  Candidate,
  Application,
  ApplicationStageChange,
  Interview,
  InterviewInterviewer,
  Scorecard,
  Offer,
  CandidateEmail,
  LegalHold,
  DataSubjectRequest,
  RetentionPolicy,
  AuditRecord,
  AuditChainHead,
  DataExport,
  DataExportChunk,
];
