/**
 * The four read operations of `schema/operations/bench.graphql`, written against PostGraphile's
 * generated (Amber preset) schema, asking the same questions for the same rows and fields:
 *
 * - IDs: PostGraphile's own node IDs (`id`), plus `rowId` where the check needs the key.
 * - Amounts: PostGraphile exposes the stored minor units (`totalMinor`, a BigInt string); Backdesk
 *   formats them as decimals. The check compares the same numbers.
 * - Relations follow the foreign keys: `customerByCustomerId`, `employeeByAssigneeId`,
 *   `orderByOrderId`, `orderLinesByOrderId`, `productByProductId`.
 * - Status IN (...): the `statusIn` condition added in `server.ts` (the built-in `condition`
 *   tests equality only).
 * - `Ticket.lastMessage`: the newest message by id (`ticketMessagesByTicketId(first: 1,
 *   orderBy: PRIMARY_KEY_DESC)`), internal notes included, as Backdesk shows its admin.
 * - `Customer.balance` (debits minus credits of the customer's lines on Accounts Receivable):
 *   `journal_line.customer_id` has no foreign key, so PostGraphile has no relation from the
 *   customer to them, and PostGraphile has no aggregates without a plugin (@graphile/pg-aggregates).
 *   The same document fetches those lines (`allJournalLines(condition: { customerId, accountId })`,
 *   served by the `(customer_id, account_id)` index; a handful of rows) and the client sums them.
 * - The trial balance: every account by code with its maintained `balanceMinor`, which is what
 *   Backdesk reads for "every posting"; the debit/credit split and the two totals are arithmetic on
 *   those ten numbers, done by the client (no aggregates in PostGraphile's default schema).
 */
export const POSTGRAPHILE_OPERATIONS = {
  customer360: /* GraphQL */ `
    query BenchCustomer360($id: BigInt!, $receivableAccountId: BigInt!) {
      customer: customerByRowId(rowId: $id) {
        id
        rowId
        name
        email
        company
        orders: ordersByCustomerId(first: 10, orderBy: [PRIMARY_KEY_DESC]) {
          nodes {
            id
            number
            status
            createdAt
            totalMinor
            lines: orderLinesByOrderId(orderBy: [LINE_NO_ASC]) {
              nodes {
                quantity
                unitPriceMinor
                product: productByProductId {
                  id
                  sku
                  name
                }
              }
            }
          }
        }
        tickets: ticketsByCustomerId(
          first: 10
          condition: { statusIn: ["NEW", "OPEN", "PENDING", "ON_HOLD"] }
          orderBy: [CREATED_AT_DESC, PRIMARY_KEY_DESC]
        ) {
          nodes {
            id
            number
            subject
            status
            priority
          }
        }
      }
      receivableLines: allJournalLines(
        condition: { customerId: $id, accountId: $receivableAccountId }
      ) {
        nodes {
          debitMinor
          creditMinor
        }
      }
    }
  `,
  ticketQueue: /* GraphQL */ `
    query BenchTicketQueue($first: Int!, $after: Cursor) {
      tickets: allTickets(
        first: $first
        after: $after
        condition: { statusIn: ["NEW", "OPEN"] }
        orderBy: [NEXT_DUE_AT_ASC, PRIMARY_KEY_ASC]
      ) {
        nodes {
          id
          number
          subject
          status
          priority
          nextDueAt
          customer: customerByCustomerId {
            id
            name
          }
          assignee: employeeByAssigneeId {
            id
            name
          }
          order: orderByOrderId {
            id
            number
            status
          }
          lastMessage: ticketMessagesByTicketId(first: 1, orderBy: [PRIMARY_KEY_DESC]) {
            nodes {
              body
              createdAt
            }
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  `,
  ordersPage: /* GraphQL */ `
    query BenchOrdersPage($first: Int!, $after: Cursor) {
      orders: allOrders(first: $first, after: $after, orderBy: [PRIMARY_KEY_DESC]) {
        nodes {
          id
          number
          status
          createdAt
          totalMinor
          customer: customerByCustomerId {
            id
            name
          }
          lines: orderLinesByOrderId(orderBy: [LINE_NO_ASC]) {
            nodes {
              quantity
              unitPriceMinor
              totalMinor
              product: productByProductId {
                id
                sku
                name
              }
            }
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  `,
  trialBalance: /* GraphQL */ `
    query BenchTrialBalance {
      accounts: allAccounts(orderBy: [CODE_ASC]) {
        nodes {
          id
          rowId
          code
          name
          type
          balanceMinor
        }
      }
    }
  `,
} as const;
