import { useEffect, useState } from 'react';
import { useBackend } from '../api/backend';
import { fetchQuery } from '../api/requests';
import {
  ConsoleRequesterPanelDocument,
  type ConsoleRequesterPanelQuery,
} from '../generated/graphql';
import { formatDate } from '../model/labels';

type Panel = NonNullable<ConsoleRequesterPanelQuery['ticket']>;

/**
 * An IT ticket's side panel: the employee who reported it, and the equipment it is about with
 * the service contracts that covered it on the day the ticket was opened (who repairs it).
 * Read once: none of it changes while the ticket is worked.
 */
export function RequesterPanel({ ticketId }: { ticketId: string }) {
  const { client } = useBackend();
  const [shown, setShown] = useState<{ panel?: Panel; error?: string }>({});

  useEffect(() => {
    let current = true;
    fetchQuery(client, ConsoleRequesterPanelDocument, { ticketId }).then(
      ({ ticket }) => {
        if (current)
          setShown(ticket ? { panel: ticket } : { error: 'This ticket is not visible to you.' });
      },
      (error: unknown) => {
        if (current) setShown({ error: error instanceof Error ? error.message : String(error) });
      },
    );
    return () => {
      current = false;
    };
  }, [client, ticketId]);

  const { panel, error } = shown;
  const requester = panel?.requester;
  return (
    <aside className="customer-panel requester-panel" aria-labelledby="requester-title">
      {!panel ? (
        <p className={error ? 'form-error' : 'muted'} role={error ? 'alert' : undefined}>
          {error ?? 'Loading the requester…'}
        </p>
      ) : (
        <>
          <h2 id="requester-title">{requester?.name ?? 'A former colleague'}</h2>
          {requester && (
            <p className="customer-contact">
              {requester.title && <span>{requester.title}</span>}
              {requester.department && <span>{requester.department.name}</span>}
              <a href={`mailto:${requester.email}`}>{requester.email}</a>
            </p>
          )}
          <section aria-labelledby="asset-title" className="panel-section">
            <h3 id="asset-title">Equipment</h3>
            {panel.asset ? (
              <p className="asset" data-asset-tag={panel.asset.tag}>
                <span className="asset-tag">{panel.asset.tag}</span> {panel.asset.model}
                {panel.asset.serialNumber && (
                  <span className="muted"> (serial {panel.asset.serialNumber})</span>
                )}
                {panel.asset.warrantyEnd && (
                  <span className="muted">
                    {' '}
                    · warranty until {formatDate(panel.asset.warrantyEnd)}
                  </span>
                )}
              </p>
            ) : (
              <p className="muted">No asset named.</p>
            )}
          </section>
          {panel.asset && (
            <section aria-labelledby="contracts-title" className="panel-section">
              <h3 id="contracts-title">Service contracts</h3>
              {panel.serviceContracts.length === 0 ? (
                <p className="muted">None covered it when this was reported.</p>
              ) : (
                <ul className="contracts">
                  {panel.serviceContracts.map((contract) => (
                    <li key={contract.id}>
                      {contract.name}
                      {contract.reference && <span className="muted"> {contract.reference}</span>}
                      <span className="muted"> · until {formatDate(contract.endsOn)}</span>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          )}
        </>
      )}
    </aside>
  );
}
