import { ArchivedEvent, DomainEvent, EventRetention } from '../events/event.entity';
import { ApiToken } from '../modules/auth/api-token.entity';
import { Product, StockLevel, StockMovement } from '../modules/catalog/product.entity';
import { Customer } from '../modules/customers/customer.entity';
import {
  Department,
  Employee,
  SalaryAccess,
  SalaryChange,
} from '../modules/employees/employee.entity';
import { PayrollRun, Payslip } from '../modules/employees/payroll.entity';
import {
  Account,
  JournalEntry,
  JournalLine,
  LedgerCounter,
  LedgerSettings,
} from '../modules/ledger/ledger.entity';
import {
  Bill,
  BillPayment,
  Invoice,
  Payment,
  PaymentAllocation,
  Vendor,
} from '../modules/ledger/receivables.entity';
import { Order, OrderLine } from '../modules/orders/order.entity';
import {
  Macro,
  SlaPolicy,
  SupportSettings,
  Ticket,
  TicketMessage,
} from '../modules/support/ticket.entity';
import { IdempotencyKey } from './idempotency-key.entity';

/** Every table Backdesk maps. A new entity is added here (and a migration generated). */
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
  Department,
  SalaryChange,
  SalaryAccess,
  PayrollRun,
  Payslip,
  Ticket,
  TicketMessage,
  SlaPolicy,
  SupportSettings,
  Macro,
];
