import { useState, type MouseEvent } from 'react';
import type { AttachmentInfo } from '../api/attachments';
import { useBackend } from '../api/backend';
import { fetchQuery } from '../api/requests';
import { expiresSoon } from '../api/signed-links';
import { ConsoleAttachmentLinkDocument } from '../generated/graphql';
import { formatBytes } from '../model/labels';

/**
 * Images shown as a small preview. Only raster formats the browser draws without running
 * anything; every other file is only a link (HTML above all is never shown on this page).
 */
const PREVIEWED_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/**
 * A message's attachments, each a download link. Their URLs are signed, so they need no token,
 * and open for a short while only: a link clicked after that (the ticket stayed open) is first
 * renewed through the API.
 */
export function MessageAttachments({ attachments }: { attachments: readonly AttachmentInfo[] }) {
  const { client } = useBackend();
  /** Renewed URLs by attachment ID. */
  const [renewed, setRenewed] = useState<Readonly<Record<string, string>>>({});
  const [error, setError] = useState<string>();
  const [previewFailed, setPreviewFailed] = useState<ReadonlySet<string>>(new Set());

  if (attachments.length === 0) return null;

  const open = async (event: MouseEvent<HTMLAnchorElement>, attachment: AttachmentInfo) => {
    const link = event.currentTarget;
    if (!expiresSoon(link.href)) return; // the browser follows the link
    event.preventDefault();
    setError(undefined);
    try {
      const { node } = await fetchQuery(client, ConsoleAttachmentLinkDocument, {
        id: attachment.id,
      });
      if (!node || !('url' in node)) throw new Error(`${attachment.filename} is no longer there.`);
      setRenewed((current) => ({ ...current, [attachment.id]: node.url }));
      link.href = node.url;
      if (!expiresSoon(node.url)) link.click();
    } catch (failure) {
      setError(`${attachment.filename} could not be opened: ${(failure as Error).message}`);
    }
  };

  return (
    <>
      <ul className="attachment-list" aria-label="Attachments">
        {attachments.map((attachment) => {
          const url = renewed[attachment.id] ?? attachment.url;
          const preview =
            PREVIEWED_TYPES.has(attachment.contentType) && !previewFailed.has(attachment.id);
          return (
            <li key={attachment.id} className="attachment">
              <a
                href={url}
                download={attachment.filename}
                onClick={(event) => void open(event, attachment)}
              >
                {preview && (
                  <img
                    className="attachment-preview"
                    src={attachment.url}
                    alt=""
                    onError={() =>
                      setPreviewFailed((current) => new Set(current).add(attachment.id))
                    }
                  />
                )}
                {attachment.filename}
              </a>
              <span className="muted">{formatBytes(attachment.size)}</span>
            </li>
          );
        })}
      </ul>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
