import type { NonEmptyArray } from 'type-graphql';
import { EventCursorResolver } from '../events/event-cursor.resolver';
import { NodeQueryResolver } from '../graphql/node.resolver';
import { AuthResolver } from './auth/auth.resolver';
import { CatalogResolver } from './catalog/catalog.resolver';
import { CustomerResolver } from './customers/customer.resolver';
import {
  DepartmentResolver,
  EmployeeResolver,
  HistoryActorResolver,
  PayrollResolver,
  PayslipResolver,
} from './employees/employee.resolver';
import {
  EmployeeDocumentResolver,
  EmployeeDocumentsFieldResolver,
  YearEndStatementResolver,
} from './employees/employee-documents.resolver';
import {
  AccountResolver,
  BillResolver,
  CashFlowResolver,
  CustomerLedgerResolver,
  InvoiceResolver,
  JournalEntryResolver,
  JournalLineResolver,
  OrderInvoiceResolver,
  VendorResolver,
} from './ledger/ledger.resolver';
import { CustomerOrdersResolver, OrderLineResolver, OrderResolver } from './orders/order.resolver';
import { ReportingResolver } from './reporting/reporting.resolver';
import { OutboundEmailResolver } from './operations/outbox.resolver';
import { JobsResolver } from './operations/jobs.resolver';
import { OrderLiveResolver } from './orders/order-live.resolver';
import {
  BillPurchaseLineResolver,
  BillPurchasingResolver,
  GoodsReceiptLineResolver,
  GoodsReceiptResolver,
  PurchaseOrderLineResolver,
  PurchaseOrderResolver,
} from './purchasing/purchasing.resolver';
import {
  ProductReorderRuleResolver,
  ReorderRuleResolver,
} from './purchasing/replenishment.resolver';
import {
  PurchasingLiveResolver,
  StockEventPurchasingResolver,
} from './purchasing/purchasing-live.resolver';
import {
  AssetAssignmentLineResolver,
  AssetAssignmentResolver,
  AssetAuditResolver,
  AssetResolver,
  ChecklistItemAssetResolver,
  EmployeeAssetsResolver,
  ServiceContractResolver,
} from './assets/assets.resolver';
import {
  AssetMaintenanceResolver,
  MaintenancePlanResolver,
  WorkOrderPartResolver,
  WorkOrderResolver,
} from './assets/maintenance.resolver';
import { StockLiveResolver } from './catalog/stock-live.resolver';
import { TicketLiveResolver } from './support/ticket-live.resolver';
import { AssetTicketsResolver, TicketAssetResolver } from './support/asset-tickets.resolver';
import { LegalHoldResolver } from './compliance/compliance.resolver';
import { AuditRecordResolver } from './compliance/audit.resolver';
import { DataSubjectRequestResolver } from './compliance/data-subject-request.resolver';
import { RetentionResolver } from './compliance/retention.resolver';
import { ExportResolver } from './compliance/export.resolver';
import {
  CustomerTicketsResolver,
  MacroResolver,
  OrderTicketsResolver,
  TicketMessageResolver,
  TicketResolver,
} from './support/support.resolver';
import {
  AgentSatisfactionResolver,
  SatisfactionResolver,
  TicketSatisfactionResolver,
} from './support/satisfaction.resolver';
import {
  AttachmentResolver,
  TicketMessageAttachmentsResolver,
} from './support/ticket-attachments.resolver';
import {
  BankAccountResolver,
  BankLineMatchResolver,
  BankMatchSuggestionResolver,
  BankRuleResolver,
  BankStatementLineResolver,
  BankStatementResolver,
  CsvMappingResolver,
  DirectCashFlowResolver,
} from './banking/banking.resolver';
import {
  CustomerDunningResolver,
  DunningNoticeResolver,
  DunningPolicyResolver,
  InvoiceDunningResolver,
} from './collections/collections.resolver';
import {
  ChecklistItemResolver,
  ChecklistResolver,
  ChecklistTemplateResolver,
} from './people/checklist.resolver';
import {
  CourseResolver,
  EmployeeTrainingResolver,
  TrainingCompletionResolver,
} from './people/training.resolver';
import {
  EmployeeBankAccountResolver,
  PaymentFileItemResolver,
  PaymentFileResolver,
} from './employees/payment-file.resolver';
import {
  ApplicationResolver,
  CandidateResolver,
  InterviewResolver,
  JobOpeningResolver,
  OfferResolver,
  ScorecardResolver,
} from './people/recruiting.resolver';

/** Every resolver in the schema. A new module's resolvers are added here. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const RESOLVERS: NonEmptyArray<Function> = [
  NodeQueryResolver,
  AuthResolver,
  OutboundEmailResolver,
  EmployeeResolver,
  CustomerResolver,
  CatalogResolver,
  OrderResolver,
  OrderLineResolver,
  CustomerOrdersResolver,
  ReportingResolver,
  AccountResolver,
  JournalEntryResolver,
  JournalLineResolver,
  InvoiceResolver,
  VendorResolver,
  BillResolver,
  CashFlowResolver,
  CustomerLedgerResolver,
  OrderInvoiceResolver,
  DepartmentResolver,
  PayrollResolver,
  PayslipResolver,
  YearEndStatementResolver,
  EmployeeDocumentResolver,
  EmployeeDocumentsFieldResolver,
  HistoryActorResolver,
  TicketResolver,
  TicketMessageResolver,
  TicketMessageAttachmentsResolver,
  AttachmentResolver,
  MacroResolver,
  CustomerTicketsResolver,
  OrderTicketsResolver,
  TicketLiveResolver,
  AssetTicketsResolver,
  TicketAssetResolver,
  OrderLiveResolver,
  EventCursorResolver,
  JobsResolver,
  SatisfactionResolver,
  TicketSatisfactionResolver,
  AgentSatisfactionResolver,
  BankAccountResolver,
  BankStatementResolver,
  BankStatementLineResolver,
  BankMatchSuggestionResolver,
  BankLineMatchResolver,
  BankRuleResolver,
  CsvMappingResolver,
  DirectCashFlowResolver,
  DunningPolicyResolver,
  DunningNoticeResolver,
  InvoiceDunningResolver,
  CustomerDunningResolver,
  ChecklistTemplateResolver,
  ChecklistResolver,
  ChecklistItemResolver,
  CourseResolver,
  TrainingCompletionResolver,
  EmployeeTrainingResolver,
  EmployeeBankAccountResolver,
  PaymentFileResolver,
  PaymentFileItemResolver,
  JobOpeningResolver,
  CandidateResolver,
  ApplicationResolver,
  InterviewResolver,
  ScorecardResolver,
  OfferResolver,
  PurchaseOrderResolver,
  PurchaseOrderLineResolver,
  GoodsReceiptResolver,
  GoodsReceiptLineResolver,
  BillPurchasingResolver,
  BillPurchaseLineResolver,
  ReorderRuleResolver,
  ProductReorderRuleResolver,
  PurchasingLiveResolver,
  StockLiveResolver,
  StockEventPurchasingResolver,
  AssetResolver,
  AssetAuditResolver,
  AssetAssignmentResolver,
  AssetAssignmentLineResolver,
  ServiceContractResolver,
  EmployeeAssetsResolver,
  ChecklistItemAssetResolver,
  MaintenancePlanResolver,
  WorkOrderResolver,
  WorkOrderPartResolver,
  AssetMaintenanceResolver,
  LegalHoldResolver,
  AuditRecordResolver,
  DataSubjectRequestResolver,
  RetentionResolver,
  ExportResolver,
];
