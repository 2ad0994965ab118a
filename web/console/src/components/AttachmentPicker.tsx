import { useEffect, useRef, useState } from 'react';
import { useBackend } from '../api/backend';
import { uploadAttachment, type AttachmentInfo } from '../api/attachments';
import { formatBytes } from '../model/labels';

interface Upload {
  /** Tells apart two uploads of files with the same name. */
  key: number;
  filename: string;
  /** How much has gone up, 0 to 1. */
  progress: number;
}

/**
 * Files attached to the message being written: each is uploaded as soon as it is picked (the
 * server keeps it for this ticket until a message carries it), and the message then sends their
 * IDs (`replyToTicket(input: { …, attachmentIds })`). Removing one only leaves it out of the
 * message. The Composer keeps the list per box; the picker keeps what is uploading and what failed.
 */
export function AttachmentPicker({
  id,
  ticketId,
  attachments,
  disabled,
  onAdded,
  onRemoved,
  onBusyChange,
}: {
  /** Unique on the page (the Composer has one picker per box). */
  id: string;
  ticketId: string;
  attachments: readonly AttachmentInfo[];
  disabled: boolean;
  onAdded(attachment: AttachmentInfo): void;
  onRemoved(attachmentId: string): void;
  /** Whether files are uploading: the message must wait for them. */
  onBusyChange(busy: boolean): void;
}) {
  const { token } = useBackend();
  const input = useRef<HTMLInputElement>(null);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [errors, setErrors] = useState<string[]>([]);
  const nextKey = useRef(0);
  /** Aborts what is still uploading when the picker goes (another ticket is opened). */
  const unmounted = useRef(new AbortController());
  const busy = uploads.length > 0;

  useEffect(() => {
    const controller = new AbortController();
    unmounted.current = controller;
    return () => controller.abort();
  }, []);

  const upload = async (files: readonly File[]) => {
    const { signal } = unmounted.current;
    const picked = files.map((file) => ({ file, key: (nextKey.current += 1) }));
    setErrors([]);
    setUploads(picked.map(({ file, key }) => ({ key, filename: file.name, progress: 0 })));
    onBusyChange(true);
    // One at a time: each holds a request open while its bytes go up.
    for (const { file, key } of picked) {
      const outcome = await uploadAttachment(token, ticketId, file, {
        signal,
        onProgress: (progress) =>
          setUploads((current) =>
            current.map((entry) => (entry.key === key ? { ...entry, progress } : entry)),
          ),
      });
      if (signal.aborted) return;
      if (outcome.ok) onAdded(outcome.attachment);
      else setErrors((current) => [...current, outcome.message]);
      setUploads((current) => current.filter((entry) => entry.key !== key));
    }
    onBusyChange(false);
  };

  return (
    <div className="attachment-picker">
      <input
        ref={input}
        id={`${id}-files`}
        type="file"
        multiple
        hidden
        aria-label="Files to attach"
        onChange={(event) => {
          const files = Array.from(event.target.files ?? []);
          event.target.value = ''; // the same file may be picked again after a removal
          if (files.length > 0) void upload(files);
        }}
      />
      <button type="button" disabled={disabled || busy} onClick={() => input.current?.click()}>
        Attach files
      </button>
      {attachments.length > 0 && (
        <ul className="attachment-list" aria-label="Attached files">
          {attachments.map((attachment) => (
            <li key={attachment.id} className="attachment">
              <span>{attachment.filename}</span>
              <span className="muted">{formatBytes(attachment.size)}</span>
              <button
                type="button"
                className="attachment-remove"
                aria-label={`Remove ${attachment.filename}`}
                title={`Remove ${attachment.filename}`}
                disabled={disabled}
                onClick={() => onRemoved(attachment.id)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {busy && (
        <div role="status">
          <ul className="attachment-uploads" aria-label="Uploading">
            {uploads.map((entry) => (
              <li key={entry.key} className="attachment-upload">
                <span>Uploading {entry.filename}…</span>
                <progress
                  max={1}
                  value={entry.progress}
                  aria-label={`${entry.filename} uploaded`}
                />
              </li>
            ))}
          </ul>
        </div>
      )}
      {errors.map((message, index) => (
        <p key={`${index}:${message}`} className="form-error attachment-error" role="alert">
          {message}
        </p>
      ))}
    </div>
  );
}
