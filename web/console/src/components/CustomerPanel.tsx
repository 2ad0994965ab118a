import { useState, type MouseEvent } from 'react';
import { useBackend } from '../api/backend';
import { useLiveSnapshot } from '../api/live-snapshot';
import { fetchQuery } from '../api/requests';
import { expiresSoon } from '../api/signed-links';
import {
  ConsoleCustomerOrderEventsDocument,
  ConsoleCustomerPanelDocument,
  ConsoleInvoiceLinkDocument,
  type ConsoleCustomerOrderEventsSubscription,
  type ConsoleCustomerPanelQuery,
  type ConsoleOrderInvoiceFragment,
} from '../generated/graphql';
import { useNow } from '../model/clock';
import { formatDate, formatMoney, formatTime, orderStatusLabel } from '../model/labels';
import type { QueueKey } from '../model/queues';

type Customer = NonNullable<ConsoleCustomerPanelQuery['customer']>;
type OrderEvent = ConsoleCustomerOrderEventsSubscription['orderEvents'];

/** How many recent orders the panel lists (the query asks for as many). */
const RECENT_ORDERS = 5;

/**
 * An order event as the panel's list: its status moves in place; a new order goes on top. The
 * event carries no invoice: an order keeps the one it had, and shipping reloads the panel.
 */
function applyOrderEvent(customer: Customer, { order }: OrderEvent): Customer {
  const nodes = customer.orders.nodes;
  const known = nodes.some((item) => item.id === order.id);
  return {
    ...customer,
    orders: {
      totalCount: known ? customer.orders.totalCount : customer.orders.totalCount + 1,
      nodes: known
        ? nodes.map((item) => (item.id === order.id ? { ...item, ...order } : item))
        : [{ ...order, invoice: null }, ...nodes].slice(0, RECENT_ORDERS),
    },
  };
}

/**
 * A shipped order's invoice PDF: a signed link that opens without a token, in a new tab. One
 * clicked after its link expired (the panel stayed open) is renewed through the API first.
 */
function InvoicePdfLink({ invoice }: { invoice: ConsoleOrderInvoiceFragment }) {
  const { client } = useBackend();
  const [url, setUrl] = useState(invoice.pdfUrl);
  const [error, setError] = useState<string>();
  const open = async (event: MouseEvent<HTMLAnchorElement>) => {
    const link = event.currentTarget;
    if (!expiresSoon(link.href)) return; // the browser follows the link
    event.preventDefault();
    setError(undefined);
    try {
      const { node } = await fetchQuery(client, ConsoleInvoiceLinkDocument, { id: invoice.id });
      if (!node || !('pdfUrl' in node)) throw new Error('it is no longer there');
      setUrl(node.pdfUrl);
      link.href = node.pdfUrl;
      if (!expiresSoon(node.pdfUrl)) link.click();
    } catch (failure) {
      setError(`Invoice ${invoice.number} could not be opened: ${(failure as Error).message}`);
    }
  };
  return (
    <span className="order-invoice">
      <a
        href={url}
        target="_blank"
        rel="noopener noreferrer"
        data-invoice-number={invoice.number}
        title={invoice.sentAt ? 'Emailed to the customer' : 'Not emailed yet'}
        onClick={(event) => void open(event)}
      >
        Invoice {invoice.number} (PDF)
      </a>
      {error && (
        <span className="form-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}

/** Shipping issues an invoice and cancelling may settle one: the balance and invoices change too. */
const MOVES_MONEY = new Set(['SHIPPED', 'CANCELLED', 'DELIVERED']);

/**
 * The ticket's customer: what they owe, their recent orders (live, each shipped one with its
 * invoice PDF) and open invoices.
 */
export function CustomerPanel({ customerId, queue }: { customerId: string; queue: QueueKey }) {
  const now = useNow();
  const live = useLiveSnapshot({
    key: customerId,
    load: async (client) => {
      const { customer } = await fetchQuery(client, ConsoleCustomerPanelDocument, { customerId });
      if (!customer) throw new Error('This customer is not visible to you.');
      return { state: customer };
    },
    feed: {
      document: ConsoleCustomerOrderEventsDocument,
      variables: { customerId },
      position: ({ orderEvents }) => orderEvents,
    },
    apply: (customer, { orderEvents }) => applyOrderEvent(customer, orderEvents),
    onEvent: ({ orderEvents }, reload) => {
      if (MOVES_MONEY.has(orderEvents.toStatus)) reload();
    },
    describeMissed: ({ orderEvents }) => ({
      text: `Order ${orderEvents.order.number} is now ${orderStatusLabel(orderEvents.toStatus).toLowerCase()}`,
      path: `/queues/${queue}`,
    }),
  });

  const customer = live.state;
  return (
    <aside className="customer-panel" aria-labelledby="customer-title">
      {!customer ? (
        <p className={live.error ? 'form-error' : 'muted'} role={live.error ? 'alert' : undefined}>
          {live.error ?? 'Loading the customer…'}
        </p>
      ) : (
        <>
          <h2 id="customer-title">{customer.name}</h2>
          <p className="customer-contact">
            {customer.company && <span>{customer.company}</span>}
            <a href={`mailto:${customer.email}`}>{customer.email}</a>
            {customer.phone && <span>{customer.phone}</span>}
          </p>
          <section aria-labelledby="balance-title" className="panel-section">
            <h3 id="balance-title">Balance</h3>
            <p className="balance" data-balance={customer.balance.amount}>
              {formatMoney(customer.balance)}
            </p>
          </section>
          <section aria-labelledby="orders-title" className="panel-section">
            <h3 id="orders-title">
              Recent orders <span className="count">{customer.orders.totalCount}</span>
            </h3>
            {customer.orders.nodes.length === 0 ? (
              <p className="muted">No orders.</p>
            ) : (
              <ul className="orders">
                {customer.orders.nodes.map((order) => (
                  <li key={order.id} className="order" data-order-number={order.number}>
                    <span className="order-number">{order.number}</span>
                    <span
                      className={`order-status order-status--${order.status.toLowerCase()}`}
                      data-status={order.status}
                    >
                      {orderStatusLabel(order.status)}
                    </span>
                    <span className="order-total">{formatMoney(order.total)}</span>
                    <time dateTime={order.updatedAt} className="muted">
                      {formatTime(order.updatedAt, now)}
                    </time>
                    {order.invoice && <InvoicePdfLink invoice={order.invoice} />}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="invoices-title" className="panel-section">
            <h3 id="invoices-title">
              Open invoices <span className="count">{customer.invoices.totalCount}</span>
            </h3>
            {customer.invoices.nodes.length === 0 ? (
              <p className="muted">Nothing open.</p>
            ) : (
              <ul className="invoices">
                {customer.invoices.nodes.map((invoice) => {
                  const overdue = Date.parse(`${invoice.dueDate}T23:59:59`) < now;
                  return (
                    <li key={invoice.id} className={`invoice ${overdue ? 'invoice--overdue' : ''}`}>
                      <span>{invoice.number}</span>
                      <span>{formatMoney(invoice.amountDue)}</span>
                      <span className="muted">
                        {overdue ? 'overdue since' : 'due'} {formatDate(invoice.dueDate)}
                      </span>
                    </li>
                  );
                })}
              </ul>
            )}
          </section>
        </>
      )}
    </aside>
  );
}
