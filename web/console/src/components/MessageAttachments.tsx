import type { AttachmentInfo } from '../api/attachments';
import { formatBytes } from '../model/labels';

/**
 * A message's attachments, each a download link (its URL is signed, so it needs no token).
 * Not imported yet: the Conversation renders it under a message's body once
 * `TicketMessage.attachments` is in the schema and in the ConsoleMessage fragment.
 */
export function MessageAttachments({ attachments }: { attachments: readonly AttachmentInfo[] }) {
  if (attachments.length === 0) return null;
  return (
    <ul className="attachment-list" aria-label="Attachments">
      {attachments.map((attachment) => (
        <li key={attachment.id} className="attachment">
          <a href={attachment.url} download={attachment.filename}>
            {attachment.filename}
          </a>
          <span className="muted">{formatBytes(attachment.size)}</span>
        </li>
      ))}
    </ul>
  );
}
