import { refusalWithoutViewer, type SignedLinks } from '../modules/common/signed-links';
import type { Viewer } from '../modules/common/viewer';
import { DocumentRefusal } from './document-store';

/** `expires` and `signature` from a download link's query, when it carried them. */
export interface DocumentLink {
  expires: string;
  signature: string;
}

/**
 * Who may download a document, the same way for every kind: a valid signed link for its
 * resource opens it for whoever holds it; otherwise the bearer token's viewer must be one who
 * may read the object it belongs to (`mayRead`, the module's rule). No viewer and no valid link
 * is 401 (403 when the link expired or was altered); a viewer who may not read it is 403.
 */
export function authorizeDocument(
  links: SignedLinks,
  resource: string,
  link: DocumentLink | undefined,
  viewer: Viewer | undefined,
  mayRead: (viewer: Viewer) => boolean,
): void {
  const check = link && links.check(resource, link.expires, link.signature);
  if (check === 'valid') return;
  if (!viewer) {
    const { reason, message } = refusalWithoutViewer(check);
    throw new DocumentRefusal(reason, message);
  }
  if (!mayRead(viewer)) throw new DocumentRefusal('FORBIDDEN', 'You may not read this document');
}
