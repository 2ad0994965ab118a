import type {
  EmailDeliveryStatus,
  OrderStatus,
  OutboundEmailKind,
  PresenceActivity,
  TicketPriority,
  TicketStatus,
} from '../generated/graphql';

export const TICKET_STATUSES: readonly TicketStatus[] = [
  'NEW',
  'OPEN',
  'PENDING',
  'ON_HOLD',
  'SOLVED',
  'CLOSED',
];
export const TICKET_PRIORITIES: readonly TicketPriority[] = ['URGENT', 'HIGH', 'NORMAL', 'LOW'];

const STATUS_LABELS: Record<TicketStatus, string> = {
  NEW: 'New',
  OPEN: 'Open',
  PENDING: 'Pending',
  ON_HOLD: 'On hold',
  SOLVED: 'Solved',
  CLOSED: 'Closed',
};

const PRIORITY_LABELS: Record<TicketPriority, string> = {
  URGENT: 'Urgent',
  HIGH: 'High',
  NORMAL: 'Normal',
  LOW: 'Low',
};

const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  PLACED: 'Placed',
  PICKING: 'Picking',
  PACKED: 'Packed',
  SHIPPED: 'Shipped',
  DELIVERED: 'Delivered',
  CANCELLED: 'Cancelled',
};

const ACTIVITY_LABELS: Record<PresenceActivity, string> = {
  VIEWING: 'viewing',
  TYPING_REPLY: 'typing a reply',
  TYPING_NOTE: 'typing a note',
};

const DELIVERY_STATUS_LABELS: Record<EmailDeliveryStatus, string> = {
  QUEUED: 'Queued',
  SENT: 'Sent',
  FAILED: 'Failed',
};

export const DELIVERY_STATUSES = Object.keys(DELIVERY_STATUS_LABELS) as EmailDeliveryStatus[];

const EMAIL_KIND_LABELS: Record<OutboundEmailKind, string> = {
  TICKET_REPLY: 'Ticket reply',
  TICKET_ACKNOWLEDGEMENT: 'Acknowledgement',
  SLA_BREACH_ALERT: 'SLA alert',
  SATISFACTION_SURVEY: 'Satisfaction survey',
  INVOICE: 'Invoice',
  DUNNING_NOTICE: 'Dunning notice',
  EMPLOYEE_DOCUMENT: 'Payslip or pay statement',
  TRAINING_EXPIRY_REMINDER: 'Training reminder',
  EMPLOYEE_BANK_ACCOUNT_CHANGED: 'Bank account changed',
  CANDIDATE_EMAIL: 'Candidate email',
  PURCHASE_ORDER: 'Purchase order',
  WORK_ORDER_OPENED: 'Work order opened',
};

export const statusLabel = (status: TicketStatus): string => STATUS_LABELS[status];
export const priorityLabel = (priority: TicketPriority): string => PRIORITY_LABELS[priority];
export const orderStatusLabel = (status: OrderStatus): string => ORDER_STATUS_LABELS[status];
export const activityLabel = (activity: PresenceActivity): string => ACTIVITY_LABELS[activity];
export const deliveryStatusLabel = (status: EmailDeliveryStatus): string =>
  DELIVERY_STATUS_LABELS[status];
export const emailKindLabel = (kind: OutboundEmailKind): string => EMAIL_KIND_LABELS[kind];

/** Any status name in an event's data (it is JSON there), readable. */
export function anyStatusLabel(value: unknown): string {
  if (typeof value !== 'string') return 'none';
  return value in STATUS_LABELS ? STATUS_LABELS[value as TicketStatus] : value;
}

export function anyPriorityLabel(value: unknown): string {
  if (typeof value !== 'string') return 'none';
  return value in PRIORITY_LABELS ? PRIORITY_LABELS[value as TicketPriority] : value;
}

/** "1,234.50 EUR" from a Decimal string: formatted without ever going through a float. */
export function formatMoney(money: { amount: string; currency: string }): string {
  const negative = money.amount.startsWith('-');
  const [whole = '0', fraction = ''] = money.amount.replace('-', '').split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = fraction.padEnd(2, '0');
  return `${negative ? '−' : ''}${grouped}.${cents} ${money.currency}`;
}

const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const DATE_TIME = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
});
const DATE = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
});

export function formatTime(iso: string, now: number = Date.now()): string {
  const date = new Date(iso);
  const sameDay = new Date(now).toDateString() === date.toDateString();
  return sameDay ? TIME.format(date) : DATE_TIME.format(date);
}

const TIMESTAMP = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** A moment to the second, with its date: for records (the outbox), not conversation. */
export function formatTimestamp(iso: string): string {
  return TIMESTAMP.format(new Date(iso));
}

export function formatDate(isoDate: string): string {
  return DATE.format(new Date(`${isoDate}T00:00:00`));
}

/** "2h 05m", "3d 4h", "45s": the largest two units of a duration. */
export function formatDuration(ms: number): string {
  const seconds = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  if (minutes > 0) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${seconds % 60}s`;
}

/** "820 B", "14.2 KB", "3.1 MB": a file's size (1 KB = 1024 bytes). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
