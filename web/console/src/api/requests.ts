import type { AnyVariables, Client, TypedDocumentNode } from '@urql/core';
import type { ConsoleUserErrorFragment } from '../generated/graphql';
import { errorMessageOf } from './live-connection';

/** Runs a query over HTTP and returns its data, or throws with the message to show. */
export async function fetchQuery<Data, Variables extends AnyVariables>(
  client: Client,
  document: TypedDocumentNode<Data, Variables>,
  variables: Variables,
): Promise<Data> {
  const result = await client.query(document, variables, { requestPolicy: 'network-only' });
  if (result.error) throw new Error(errorMessageOf(result.error));
  if (!result.data) throw new Error('The server sent no data');
  return result.data;
}

export type MutationOutcome<Payload> =
  { ok: true; payload: Payload } | { ok: false; message: string; code?: string };

/**
 * Runs a mutation and folds its failures into one shape: a GraphQL or network error, or the first
 * user error of its payload (a business rule that refused it, such as STALE_TICKET).
 */
export async function runMutation<Data, Variables extends AnyVariables, Payload>(
  client: Client,
  document: TypedDocumentNode<Data, Variables>,
  variables: Variables,
  payloadOf: (data: Data) => Payload & { userErrors: readonly ConsoleUserErrorFragment[] },
): Promise<MutationOutcome<Payload>> {
  const result = await client.mutation(document, variables);
  if (result.error) return { ok: false, message: errorMessageOf(result.error) };
  if (!result.data) return { ok: false, message: 'The server sent no data' };
  const payload = payloadOf(result.data);
  const [refusal] = payload.userErrors;
  if (refusal) return { ok: false, message: refusal.message, code: refusal.code };
  return { ok: true, payload };
}
