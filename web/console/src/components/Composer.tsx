import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { AttachmentInfo } from '../api/attachments';
import { useBackend } from '../api/backend';
import { runMutation } from '../api/requests';
import { ConsoleReplyDocument, type PresenceActivity } from '../generated/graphql';
import { useShortcuts } from '../model/keyboard';
import {
  describeChange,
  versionOf,
  type HistoryEntry,
  type TicketDetail,
  type TicketMessage,
} from '../model/ticket';
import { AttachmentPicker } from './AttachmentPicker';

type Mode = 'reply' | 'note';

const MODES: Record<
  Mode,
  { tab: string; placeholder: string; send: string; typing: PresenceActivity }
> = {
  reply: {
    tab: 'Reply',
    placeholder: 'Write to the customer…',
    send: 'Send reply',
    typing: 'TYPING_REPLY',
  },
  note: {
    tab: 'Internal note',
    placeholder: 'Write a note only colleagues see…',
    send: 'Add note',
    typing: 'TYPING_NOTE',
  },
};

/** Typing counts as typing for this long after the last key. */
const TYPING_IDLE_MS = 4_000;

type PerBox<Value> = Readonly<Record<Mode, Value>>;

/** What a retry sends again under the same key: the text and the files, exactly. */
function attemptOf(body: string, attachments: readonly AttachmentInfo[]): string {
  return JSON.stringify([body, attachments.map((attachment) => attachment.id)]);
}

/** A key that makes a retried reply (after a dropped connection) land once. */
function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `console-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * The reply and internal-note boxes, each with the files it will carry (uploaded when picked,
 * see AttachmentPicker). What the agent writes answers the ticket as it was when they
 * started writing: that version goes with the reply, so a colleague's change meanwhile refuses it
 * (STALE_TICKET) and the agent sees what changed, re-reads, and sends again with the draft intact.
 */
export function Composer({
  ticket,
  history,
  onSent,
  onActivity,
  onRereadNeeded,
  onReread,
}: {
  ticket: TicketDetail;
  history: readonly HistoryEntry[];
  onSent(ticket: TicketDetail, message: TicketMessage | null | undefined): void;
  onActivity(activity: PresenceActivity): void;
  /** Reads the ticket again (its history holds what changed). */
  onRereadNeeded(): Promise<void>;
  /** Shows the agent the latest of the conversation. */
  onReread(): void;
}) {
  const { client, viewer } = useBackend();
  const [mode, setMode] = useState<Mode>('reply');
  const [drafts, setDrafts] = useState<PerBox<string>>({ reply: '', note: '' });
  const [attached, setAttached] = useState<PerBox<readonly AttachmentInfo[]>>({
    reply: [],
    note: [],
  });
  /** Boxes whose files are still uploading: they cannot be sent yet. */
  const [uploading, setUploading] = useState<PerBox<boolean>>({ reply: false, note: false });
  /** Bumped when a box's message is sent, which gives it a fresh picker (no stale errors). */
  const [sentCount, setSentCount] = useState<PerBox<number>>({ reply: 0, note: 0 });
  /** The version the drafts answer; null while both are empty (the agent is up to date). */
  const [answering, setAnswering] = useState<number | null>(null);
  const [refused, setRefused] = useState(false);
  const [error, setError] = useState<string>();
  const [sending, setSending] = useState(false);
  /** The key of the last attempt per box, kept for a retry of the same text and files. */
  const attempts = useRef<Partial<Record<Mode, { sends: string; key: string }>>>({});
  const boxes = useRef<Record<Mode, HTMLTextAreaElement | null>>({ reply: null, note: null });
  const idleTimer = useRef<ReturnType<typeof setTimeout>>(undefined);

  useEffect(() => () => clearTimeout(idleTimer.current), []);

  const focusBox = (target: Mode) => {
    setMode(target);
    requestAnimationFrame(() => boxes.current[target]?.focus());
  };
  useShortcuts({ r: () => focusBox('reply'), n: () => focusBox('note') });

  const closed = ticket.status === 'CLOSED';
  /** Colleagues' changes since the agent started writing (what a refusal lists). */
  const changedMeanwhile =
    answering === null
      ? []
      : history.filter(
          (entry) => (versionOf(entry) ?? 0) > answering && entry.actor?.id !== viewer.id,
        );

  /** Starts or ends the draft (the version it answers) as text and files come and go. */
  const composing = (texts: PerBox<string>, files: PerBox<readonly AttachmentInfo[]>) => {
    const drafting = (Object.keys(MODES) as Mode[]).some(
      (box) => texts[box].trim() !== '' || files[box].length > 0,
    );
    if (!drafting) setAnswering(null);
    else if (answering === null) setAnswering(ticket.version);
  };

  // Called when an upload finishes, maybe renders after the pick: hence the updater functions.
  // The version answered is the ticket's when the file was picked, if nothing else came first.
  const attach = (target: Mode, attachment: AttachmentInfo) => {
    setAnswering((current) => current ?? ticket.version);
    setAttached((current) => ({ ...current, [target]: [...current[target], attachment] }));
    setError(undefined);
  };

  const detach = (target: Mode, attachmentId: string) => {
    const keep = (files: readonly AttachmentInfo[]) =>
      files.filter((attachment) => attachment.id !== attachmentId);
    composing(drafts, { ...attached, [target]: keep(attached[target]) });
    setAttached((current) => ({ ...current, [target]: keep(current[target]) }));
  };

  const typed = (target: Mode, text: string) => {
    const next = { ...drafts, [target]: text };
    composing(next, attached);
    setDrafts(next);
    setError(undefined);
    onActivity(text.trim() ? MODES[target].typing : 'VIEWING');
    clearTimeout(idleTimer.current);
    idleTimer.current = setTimeout(() => onActivity('VIEWING'), TYPING_IDLE_MS);
  };

  const reread = () => {
    setAnswering(ticket.version);
    setRefused(false);
    onReread();
    requestAnimationFrame(() => boxes.current[mode]?.focus());
  };

  const send = async () => {
    const body = drafts[mode].trim();
    const files = attached[mode];
    if (!body || sending || uploading[mode]) return;
    // A retry of the same text and files keeps the key; any change makes it another message.
    const sends = attemptOf(body, files);
    const previous = attempts.current[mode];
    const attempt = previous?.sends === sends ? previous : { sends, key: newIdempotencyKey() };
    attempts.current[mode] = attempt;
    setSending(true);
    setError(undefined);
    const outcome = await runMutation(
      client,
      ConsoleReplyDocument,
      {
        input: {
          ticketId: ticket.id,
          body,
          internal: mode === 'note',
          // The agent's own changes meanwhile (status, tags…) do not make the draft stale.
          expectedVersion:
            changedMeanwhile.length > 0 ? (answering ?? ticket.version) : ticket.version,
          idempotencyKey: attempt.key,
          attachmentIds: files.map((attachment) => attachment.id),
        },
      },
      (data) => data.replyToTicket,
    );
    setSending(false);
    if (!outcome.ok) {
      if (outcome.code === 'STALE_TICKET') {
        setRefused(true);
        await onRereadNeeded();
      } else {
        setError(outcome.message);
      }
      return;
    }
    attempts.current[mode] = undefined;
    const { ticket: updated, message } = outcome.payload;
    if (updated) onSent(updated, message);
    const other = mode === 'reply' ? 'note' : 'reply';
    const otherDrafting = drafts[other].trim() !== '' || attached[other].length > 0;
    setDrafts((current) => ({ ...current, [mode]: '' }));
    setAttached((current) => ({ ...current, [mode]: [] }));
    setSentCount((current) => ({ ...current, [mode]: current[mode] + 1 }));
    setAnswering(otherDrafting && updated ? updated.version : null);
    setRefused(false);
    clearTimeout(idleTimer.current);
    onActivity('VIEWING');
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void send();
    } else if (event.key === 'Escape') {
      event.currentTarget.blur();
    }
  };

  return (
    <section className={`composer composer--${mode}`} aria-label="Write">
      <div className="composer-tabs" role="tablist" aria-label="Write a reply or a note">
        {(Object.keys(MODES) as Mode[]).map((key) => (
          <button
            key={key}
            type="button"
            role="tab"
            id={`composer-tab-${key}`}
            aria-selected={mode === key}
            aria-controls={`composer-panel-${key}`}
            aria-keyshortcuts={key === 'reply' ? 'r' : 'n'}
            onClick={() => focusBox(key)}
          >
            {MODES[key].tab}
            {(drafts[key].trim() || attached[key].length > 0) && mode !== key ? ' •' : ''}
          </button>
        ))}
      </div>
      {(refused || changedMeanwhile.length > 0) && (
        <div
          className={`stale ${refused ? 'stale--refused' : ''}`}
          role={refused ? 'alert' : 'status'}
        >
          <p>
            {refused
              ? 'Not sent: this ticket changed while you were writing. Read what changed, then send again.'
              : 'This ticket changed while you were writing:'}
          </p>
          {changedMeanwhile.length > 0 && (
            <ul>
              {changedMeanwhile.map((entry) => (
                <li key={entry.cursor}>{describeChange(entry)}</li>
              ))}
            </ul>
          )}
          <button type="button" onClick={reread}>
            I have re-read it
          </button>
        </div>
      )}
      {(Object.keys(MODES) as Mode[]).map((key) => (
        <div
          key={key}
          id={`composer-panel-${key}`}
          role="tabpanel"
          aria-labelledby={`composer-tab-${key}`}
          hidden={mode !== key}
          className="composer-panel"
        >
          <label className="visually-hidden" htmlFor={`composer-box-${key}`}>
            {MODES[key].tab}
          </label>
          <textarea
            id={`composer-box-${key}`}
            ref={(element) => {
              boxes.current[key] = element;
            }}
            rows={4}
            placeholder={
              key === 'reply' && ticket.queue === 'IT'
                ? 'Write to the requester…'
                : MODES[key].placeholder
            }
            value={drafts[key]}
            disabled={closed}
            onChange={(event) => typed(key, event.target.value)}
            onBlur={() => onActivity('VIEWING')}
            onKeyDown={onKeyDown}
          />
          <div className="composer-actions">
            <AttachmentPicker
              key={sentCount[key]}
              id={`composer-${key}`}
              ticketId={ticket.id}
              attachments={attached[key]}
              disabled={closed || sending}
              onAdded={(attachment) => attach(key, attachment)}
              onRemoved={(attachmentId) => detach(key, attachmentId)}
              onBusyChange={(busy) => setUploading((current) => ({ ...current, [key]: busy }))}
            />
            {error && mode === key && (
              <p className="form-error" role="alert">
                {error}
              </p>
            )}
            <span className="muted">Ctrl + Enter sends</span>
            <button
              type="button"
              className="primary"
              disabled={closed || sending || refused || uploading[key] || !drafts[key].trim()}
              onClick={() => void send()}
            >
              {sending ? 'Sending…' : MODES[key].send}
            </button>
          </div>
        </div>
      ))}
      {closed && <p className="muted">This ticket is closed: it takes no more messages.</p>}
    </section>
  );
}
