import type { AnyVariables, Client, TypedDocumentNode } from '@urql/core';
import { useCallback, useEffect, useEffectEvent, useRef, useState } from 'react';
import { ConsoleEventCursorDocument } from '../generated/graphql';
import { useBackend } from './backend';
import type { FeedPosition } from './live-connection';
import type { MissedChange } from './missed-changes';
import { fetchQuery } from './requests';

export interface LiveSnapshotOptions<State, Event, Variables extends AnyVariables> {
  /** Starts over (new snapshot, new feed) when it changes. */
  key: string;
  /** Reads the state; `cursor`, when given, is where the feed starts (see `startAfterSnapshot`). */
  load(client: Client): Promise<{ state: State; cursor?: string | null }>;
  feed: {
    document: TypedDocumentNode<Event, Variables>;
    variables: Variables;
    position(event: Event): FeedPosition;
  };
  /** The state after one event; `replayed` when it was committed while the console was offline. */
  apply(state: State, event: Event, replayed: boolean): State;
  /**
   * When the snapshot knows its own cursor (a ticket's history does), the feed starts after it
   * once the snapshot is read. Otherwise (a queue) the feed starts after the event log's newest
   * cursor, read just before the snapshot, and its events wait for the snapshot, then apply on
   * top of it. Either way nothing committed between the two is lost.
   */
  startAfterSnapshot?: boolean;
  /** What to list among the changes missed while offline. */
  describeMissed?(event: Event): Omit<MissedChange, 'key' | 'occurredAt'> | undefined;
  /** Side effects of an event beyond the state (such as reading related data again). */
  onEvent?(event: Event, reload: () => void): void;
}

export interface LiveSnapshot<State> {
  state: State | undefined;
  /** Why the snapshot could not be read, or why the server ended the feed. */
  error: string | undefined;
  /** Reads the snapshot again (events meanwhile apply on top); resolves once it is in. */
  reload(): Promise<void>;
  /** Applies a change known before its event arrives (what one's own mutation returned). */
  update(change: (state: State) => State): void;
}

interface Published<State> {
  key: string;
  state?: State;
  error?: string;
}

/**
 * A piece of server state kept current by a live feed: a snapshot from a query, then every event
 * applied to it, across reconnects (the feed resumes after its last cursor) and resyncs (a cursor
 * too old to resume from reads the snapshot again).
 */
export function useLiveSnapshot<State, Event, Variables extends AnyVariables>(
  options: LiveSnapshotOptions<State, Event, Variables>,
): LiveSnapshot<State> {
  const { client, live, missed } = useBackend();
  const [published, setPublished] = useState<Published<State>>({ key: options.key });
  const reloadRef = useRef<() => Promise<void>>(() => Promise.resolve());
  const updateRef = useRef<(change: (state: State) => State) => void>(() => undefined);
  const { key, startAfterSnapshot = false } = options;

  const load = useEffectEvent(() => options.load(client));
  const apply = useEffectEvent((state: State, event: Event, replayed: boolean) =>
    options.apply(state, event, replayed),
  );
  const describe = useEffectEvent((event: Event) => options.describeMissed?.(event));
  const react = useEffectEvent((event: Event, reload: () => void) =>
    options.onEvent?.(event, reload),
  );
  const feedOptions = useEffectEvent(() => options.feed);

  useEffect(() => {
    let cancelled = false;
    let state: State | undefined;
    /** Events that arrived while a snapshot was being read, applied once it is in. */
    let waiting: { event: Event; replayed: boolean }[] | undefined = [];
    let feed: { stop(): void } | undefined;
    const publish = (next: Omit<Published<State>, 'key'>) => {
      if (!cancelled) setPublished({ key, ...next });
    };

    const receive = (event: Event, replayed: boolean) => {
      const { position } = feedOptions();
      if (replayed) {
        const change = describe(event);
        const at = position(event);
        if (change) missed.add({ key: at.cursor, occurredAt: at.occurredAt, ...change });
      }
      react(event, () => void reload());
      if (waiting || state === undefined) {
        (waiting ??= []).push({ event, replayed });
        return;
      }
      state = apply(state, event, replayed);
      publish({ state });
    };

    const openFeed = (after: string | null) => {
      const { document, variables, position } = feedOptions();
      feed = live.feed({
        document,
        variables,
        position,
        after,
        handlers: {
          next: receive,
          failed: (message) => publish({ state, error: message }),
          resync: () => void reload(),
        },
      });
    };

    /** Only the latest of overlapping reads publishes; it applies every event still waiting. */
    let generation = 0;
    const reload = async () => {
      const mine = ++generation;
      waiting ??= [];
      /** Applies what waited onto `base`; with no base (no snapshot yet) the events keep waiting. */
      const settle = (base: State | undefined, error?: string) => {
        const pending = waiting ?? [];
        if (base === undefined) {
          waiting = pending;
          state = undefined;
        } else {
          waiting = undefined;
          state = pending.reduce<State>(
            (current, { event, replayed }) => apply(current, event, replayed),
            base,
          );
        }
        publish({ state, error });
      };
      try {
        if (!feed && !startAfterSnapshot) {
          const { eventCursor } = await fetchQuery(client, ConsoleEventCursorDocument, {});
          if (cancelled || mine !== generation) return;
          openFeed(eventCursor);
        }
        const snapshot = await load();
        if (cancelled || mine !== generation) return;
        settle(snapshot.state);
        if (!feed) openFeed(snapshot.cursor ?? null);
      } catch (error) {
        if (cancelled || mine !== generation) return;
        settle(state, error instanceof Error ? error.message : String(error));
      }
    };

    reloadRef.current = reload;
    updateRef.current = (change) => {
      if (state === undefined) return;
      state = change(state);
      publish({ state });
    };
    void reload();
    return () => {
      cancelled = true;
      feed?.stop();
    };
  }, [key, startAfterSnapshot, client, live, missed]);

  const reload = useCallback(() => reloadRef.current(), []);
  const update = useCallback((change: (state: State) => State) => updateRef.current(change), []);
  const current = published.key === key ? published : undefined;
  return { state: current?.state, error: current?.error, reload, update };
}
