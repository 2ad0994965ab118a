import { useRef, useState } from 'react';
import { useBackend } from '../api/backend';
import { uploadAttachment, type AttachmentInfo } from '../api/attachments';
import { formatBytes } from '../model/labels';

/**
 * Files attached to the reply being written: each is uploaded as soon as it is picked, and the
 * reply then sends their IDs (`replyToTicket(input: { …, attachmentIds })`).
 *
 * Not imported yet: `TicketMessage.attachments` and `attachmentIds` join the schema with the
 * attachments work. The Composer then keeps a list per box and renders this under its textarea.
 */
export function AttachmentPicker({
  id,
  ticketId,
  attachments,
  disabled,
  onAdded,
  onRemoved,
}: {
  /** Unique on the page (the Composer has one picker per box). */
  id: string;
  ticketId: string;
  attachments: readonly AttachmentInfo[];
  disabled: boolean;
  onAdded(attachment: AttachmentInfo): void;
  onRemoved(attachmentId: string): void;
}) {
  const { token } = useBackend();
  const input = useRef<HTMLInputElement>(null);
  const [uploading, setUploading] = useState<string[]>([]);
  const [errors, setErrors] = useState<string[]>([]);

  const upload = async (files: readonly File[]) => {
    setErrors([]);
    setUploading(files.map((file) => file.name));
    // One at a time: each holds a request open while its bytes go up.
    for (const file of files) {
      const outcome = await uploadAttachment(token, ticketId, file);
      if (outcome.ok) onAdded(outcome.attachment);
      else setErrors((current) => [...current, outcome.message]);
      setUploading((current) => current.filter((name) => name !== file.name));
    }
  };

  return (
    <div className="attachment-picker">
      <input
        ref={input}
        id={`${id}-files`}
        type="file"
        multiple
        hidden
        onChange={(event) => {
          const files = Array.from(event.target.files ?? []);
          event.target.value = ''; // the same file may be picked again after a removal
          if (files.length > 0) void upload(files);
        }}
      />
      <button
        type="button"
        disabled={disabled || uploading.length > 0}
        onClick={() => input.current?.click()}
      >
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
                disabled={disabled}
                onClick={() => onRemoved(attachment.id)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {uploading.length > 0 && (
        <p className="muted" role="status">
          Uploading {uploading.join(', ')}…
        </p>
      )}
      {errors.map((message, index) => (
        <p key={`${index}:${message}`} className="form-error" role="alert">
          {message}
        </p>
      ))}
    </div>
  );
}
