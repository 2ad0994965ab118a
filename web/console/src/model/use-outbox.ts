import { useCallback, useEffect, useState } from 'react';
import { useBackend } from '../api/backend';
import { fetchQuery } from '../api/requests';
import {
  ConsoleOutboundEmailDocument,
  ConsoleOutboxDocument,
  type ConsoleOutboundEmailDetailFragment,
  type ConsoleOutboundEmailQuery,
  type ConsoleOutboundEmailSummaryFragment,
  type EmailDeliveryStatus,
} from '../generated/graphql';

export type OutboundEmailSummary = ConsoleOutboundEmailSummaryFragment;
export type OutboundEmailDetail = ConsoleOutboundEmailDetailFragment;

/** Emails per page of the outbox ("Load more" reads the next one). */
export const OUTBOX_PAGE = 25;

export interface OutboxList {
  /** Newest first, every page read so far. */
  emails: readonly OutboundEmailSummary[];
  totalCount: number;
  /** Where the next page starts; null when this is all of them. */
  nextCursor: string | null;
}

export interface Outbox {
  list: OutboxList | undefined;
  error: string | undefined;
  loading: boolean;
  /** Reads the next page and appends it. */
  loadMore(): void;
  /** Reads the first page again (what was sent meanwhile, and its states now). */
  refresh(): void;
}

interface Shown {
  /** The list this answers (filter and refresh); a different one is not shown. */
  key: string;
  list?: OutboxList;
  error?: string;
  loadingMore?: boolean;
}

const messageOf = (failure: unknown) =>
  failure instanceof Error ? failure.message : String(failure);

/**
 * The outbox, newest first, optionally only the emails in one state. Pages are read on demand;
 * a new filter or a refresh starts over from the first page, and an answer that arrives for the
 * list as it was before is dropped.
 */
export function useOutbox(status: EmailDeliveryStatus | undefined): Outbox {
  const { client } = useBackend();
  const [refreshes, setRefreshes] = useState(0);
  const key = `${status ?? 'ALL'}:${refreshes}`;
  const [shown, setShown] = useState<Shown>();

  /** The page after `before` (the first without it), appended to it. */
  const readPage = useCallback(
    async (before: OutboxList | undefined): Promise<OutboxList> => {
      const { outboundEmails } = await fetchQuery(client, ConsoleOutboxDocument, {
        first: OUTBOX_PAGE,
        after: before?.nextCursor ?? null,
        filter: status ? { status: [status] } : null,
      });
      const known = new Set(before?.emails.map((email) => email.id));
      return {
        emails: [
          ...(before?.emails ?? []),
          ...outboundEmails.nodes.filter((email) => !known.has(email.id)),
        ],
        totalCount: outboundEmails.totalCount,
        nextCursor: outboundEmails.pageInfo.hasNextPage ? outboundEmails.pageInfo.endCursor : null,
      };
    },
    [client, status],
  );

  useEffect(() => {
    let cancelled = false;
    readPage(undefined).then(
      (list) => {
        if (!cancelled) setShown({ key, list });
      },
      (failure: unknown) => {
        if (!cancelled) setShown({ key, error: messageOf(failure) });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [key, readPage]);

  const current = shown?.key === key ? shown : undefined;
  const loadMore = () => {
    const list = current?.list;
    if (!list?.nextCursor || current?.loadingMore) return;
    const still = (next: Shown) => (now: Shown | undefined) => (now?.key === key ? next : now);
    setShown({ key, list, loadingMore: true });
    readPage(list).then(
      (next) => setShown(still({ key, list: next })),
      (failure: unknown) => setShown(still({ key, list, error: messageOf(failure) })),
    );
  };

  return {
    list: current?.list,
    error: current?.error,
    loading: !current || Boolean(current.loadingMore),
    loadMore,
    refresh: () => setRefreshes((count) => count + 1),
  };
}

function isOutboundEmail(node: ConsoleOutboundEmailQuery['node']): node is OutboundEmailDetail {
  return node !== null && 'messageId' in node;
}

/** One email of the outbox with its headers and bodies. */
export function useOutboundEmail(emailId: string): {
  email: OutboundEmailDetail | undefined;
  error: string | undefined;
} {
  const { client } = useBackend();
  const [answer, setAnswer] = useState<{
    emailId: string;
    email?: OutboundEmailDetail;
    error?: string;
  }>();

  useEffect(() => {
    let cancelled = false;
    fetchQuery(client, ConsoleOutboundEmailDocument, { id: emailId }).then(
      ({ node }) => {
        if (cancelled) return;
        if (isOutboundEmail(node)) setAnswer({ emailId, email: node });
        else setAnswer({ emailId, error: 'There is no such email.' });
      },
      (failure: unknown) => {
        if (!cancelled) setAnswer({ emailId, error: messageOf(failure) });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [client, emailId]);

  const current = answer?.emailId === emailId ? answer : undefined;
  return { email: current?.email, error: current?.error };
}
