import { Permissions } from '../auth/permissions';
import { globalIdSql, timestampSql, type ExportDefinition } from '../common/export-definition';
import { hasAnyRole } from '../common/viewer';
import { TicketQueue } from './ticket.entity';
import { mayReadQueue } from './ticket-queues';

/**
 * Tickets: their fields and who they are for, never a message (bodies and internal notes stay
 * out). Customer tickets only, unless the viewer also reads the IT queue (or is an auditor).
 */
export const TICKETS_EXPORT: ExportDefinition = {
  kind: 'TICKETS',
  description:
    'Tickets: one row per ticket with its fields (number, subject, queue, status, priority, tags, people, deadlines and times), never a message or note. Customer tickets only, unless the viewer also reads the IT queue.',
  readers: Permissions.support.read,
  columns: [
    { name: 'id', sql: globalIdSql('Ticket', 't.id') },
    { name: 'number', sql: 't.number' },
    { name: 'queue', sql: 't.queue' },
    { name: 'subject', sql: 't.subject' },
    { name: 'status', sql: 't.status' },
    { name: 'priority', sql: 't.priority' },
    { name: 'channel', sql: 't.channel' },
    { name: 'tags', sql: "array_to_string(t.tags, ';')" },
    { name: 'customer_id', sql: globalIdSql('Customer', 't.customer_id') },
    { name: 'requester_id', sql: globalIdSql('Employee', 't.requester_id') },
    { name: 'assignee_id', sql: globalIdSql('Employee', 't.assignee_id') },
    { name: 'order_id', sql: globalIdSql('Order', 't.order_id') },
    { name: 'merged_into_id', sql: globalIdSql('Ticket', 't.merged_into_id') },
    { name: 'created_at', sql: timestampSql('t.created_at') },
    { name: 'updated_at', sql: timestampSql('t.updated_at') },
    { name: 'first_response_due_at', sql: timestampSql('t.first_response_due_at') },
    { name: 'resolution_due_at', sql: timestampSql('t.resolution_due_at') },
    { name: 'first_responded_at', sql: timestampSql('t.first_responded_at') },
    { name: 'solved_at', sql: timestampSql('t.solved_at') },
    { name: 'closed_at', sql: timestampSql('t.closed_at') },
    { name: 'first_response_breached_at', sql: timestampSql('t.first_response_breached_at') },
    { name: 'resolution_breached_at', sql: timestampSql('t.resolution_breached_at') },
  ],
  from: 'ticket t',
  period: { column: 't.created_at', type: 'timestamptz' },
  orderBy: 't.created_at, t.id',
  scopes: {
    CUSTOMER_QUEUE: {
      description: 'Customer tickets only: the requester does not read the IT queue.',
      where: `t.queue = '${TicketQueue.CUSTOMER}'`,
    },
  },
  scopeOf: (viewer) =>
    mayReadQueue(viewer, TicketQueue.IT) || hasAnyRole(viewer, Permissions.compliance.exports)
      ? undefined
      : 'CUSTOMER_QUEUE',
};
