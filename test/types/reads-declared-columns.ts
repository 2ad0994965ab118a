/**
 * Type-level test (checked by `npm run typecheck`, not run): a field resolver's parent row type
 * follows from what it declares with `@Reads`, so reading a column it did not declare does not
 * compile. Each `@ts-expect-error` fails the type check if the line below it ever compiles.
 */
import { Reads, ReadsKeyOnly, type RowOf } from '../../src/read';
import { Ticket } from '../../src/modules/support/ticket.entity';

export class DeclaredReads {
  @Reads(Ticket, 'status', 'priority')
  declaresWhatItReads(ticket: RowOf<Ticket, 'status' | 'priority'>): string {
    return `${ticket.status} ${ticket.priority}`;
  }

  @Reads(Ticket, 'status')
  readsUndeclaredColumn(ticket: RowOf<Ticket, 'status'>): string {
    // @ts-expect-error `subject` was not declared, so the row has no such property.
    return `${ticket.status} ${ticket.subject}`;
  }

  // @ts-expect-error The row type names `subject`, which the declaration leaves out.
  @Reads(Ticket, 'status')
  rowTypeWiderThanDeclared(ticket: RowOf<Ticket, 'status' | 'subject'>): string {
    return ticket.subject;
  }

  // @ts-expect-error A whole entity as the row type reads every column without declaring them.
  @Reads(Ticket, 'status')
  wholeEntityAsRow(ticket: Ticket): string {
    return ticket.subject;
  }

  @ReadsKeyOnly()
  readsOnlyTheKey(ticket: RowOf<Ticket>): number {
    return ticket.id;
  }

  // @ts-expect-error A key-only field may not take a row with other columns.
  @ReadsKeyOnly()
  keyOnlyWithColumns(ticket: RowOf<Ticket, 'status'>): string {
    return ticket.status;
  }
}
