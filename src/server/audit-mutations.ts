import {
  defaultFieldResolver,
  getNamedType,
  getNullableType,
  GraphQLError,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { auditWhileRunning, type PendingAudit } from '../db/audit-hook';
import {
  auditInsert,
  AuditKind,
  AuditResult,
  recordAudit,
  type AuditEntry,
} from '../events/audit-trail';
import { toGlobalId } from '../graphql/global-id';
import type { RequestContext } from '../modules/context';

/**
 * Every mutation is recorded in the audit trail, whoever calls it and however it ends: done
 * (OK), refused on a business rule (REFUSED, with the user errors' codes), refused for the
 * viewer's roles (FORBIDDEN) or failed (ERROR, with the code). Unauthenticated calls are refused
 * before any resolver runs, and recorded there (apollo-plugins.ts).
 *
 * A mutation that commits records itself in its own transaction (db/audit-hook.ts); one that
 * commits nothing is recorded after it has run, in a statement of its own.
 *
 * What is recorded of the input is its shape with IDs, enums, numbers, dates, amounts and flags;
 * every String (names, emails, messages, reasons, tokens) is redacted, and so is any value under
 * a key that names pay, bank details or a secret. The rule follows the input's GraphQL types, so
 * a new String field is redacted without anyone remembering to.
 */

export const REDACTED = '[redacted]';
const SECRET_KEY = /password|token|secret|salary|iban|accountNumber|routingNumber|bic|holder/i;
const KEPT_SCALARS = new Set(['ID', 'Int', 'Float', 'Boolean', 'Date', 'DateTime', 'Decimal']);
const MAX_ITEMS = 50;

/** A value as the audit trail keeps it, following its GraphQL input type. */
export function redactInput(value: unknown, type: GraphQLInputType, key = ''): unknown {
  if (value === null || value === undefined) return null;
  if (SECRET_KEY.test(key)) return REDACTED;
  const inner = getNullableType(type);
  if (isListType(inner)) {
    if (!Array.isArray(value)) return redactInput(value, inner.ofType as GraphQLInputType, key);
    const items = value
      .slice(0, MAX_ITEMS)
      .map((item) => redactInput(item, inner.ofType as GraphQLInputType, key));
    return value.length > MAX_ITEMS ? [...items, `${value.length - MAX_ITEMS} more`] : items;
  }
  if (isInputObjectType(inner)) {
    const fields = inner.getFields();
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([name]) => fields[name])
        .map(([name, field]) => [name, redactInput(field, fields[name].type, name)]),
    );
  }
  if (isEnumType(inner)) return value;
  if (isScalarType(inner) && KEPT_SCALARS.has(inner.name)) {
    return value instanceof Date ? value.toISOString() : value;
  }
  return REDACTED;
}

function redactArguments(args: Record<string, unknown>, declared: readonly GraphQLArgument[]) {
  return Object.fromEntries(
    declared
      .filter((argument) => args[argument.name] !== undefined)
      .map((argument) => [
        argument.name,
        redactInput(args[argument.name], argument.type, argument.name),
      ]),
  );
}

/** The global ID an input names first (`id`, `ticketId`, `legalHoldId`…), if it names one. */
function targetInInput(args: Record<string, unknown>): string | null {
  const input = (args.input ?? args) as Record<string, unknown> | null;
  if (!input || typeof input !== 'object') return null;
  for (const [name, value] of Object.entries(input))
    if ((name === 'id' || name.endsWith('Id')) && typeof value === 'string') return value;
  return null;
}

/**
 * How to name what a payload made or changed: the first field of its type that holds a Node
 * (`order`, `ticket`, `export`), whose value (a row or an entity) has an `id`.
 */
function payloadTargets(
  field: GraphQLField<unknown, unknown>,
): (payload: unknown) => string | null {
  const payloadType = getNamedType(field.type);
  if (!isObjectType(payloadType)) return () => null;
  const nodeFields = Object.values(payloadType.getFields())
    .map((inner) => ({ name: inner.name, type: getNamedType(inner.type) }))
    .filter(
      (inner) =>
        isObjectType(inner.type) &&
        inner.type.getInterfaces().some((face) => isInterfaceType(face) && face.name === 'Node'),
    );
  return (payload) => {
    if (!payload || typeof payload !== 'object') return null;
    for (const { name, type } of nodeFields) {
      const value = (payload as Record<string, unknown>)[name];
      const id = value && typeof value === 'object' ? (value as { id?: unknown }).id : undefined;
      if (typeof id === 'number' || typeof id === 'string') return toGlobalId(type.name, id);
    }
    return null;
  };
}

/** The user errors' codes of a payload (none: it did what was asked). */
function userErrorCodes(payload: unknown): string[] {
  const errors = (payload as { userErrors?: unknown } | null)?.userErrors;
  return Array.isArray(errors)
    ? errors.map((error) => String((error as { code?: unknown }).code))
    : [];
}

/** How a thrown error ends an audited act. */
function failureOf(error: unknown): { result: AuditResult; code: string } {
  const code =
    error instanceof GraphQLError
      ? String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR')
      : 'INTERNAL_SERVER_ERROR';
  if (code === 'FORBIDDEN') return { result: AuditResult.FORBIDDEN, code };
  if (code === 'UNAUTHENTICATED') return { result: AuditResult.UNAUTHENTICATED, code };
  return { result: AuditResult.ERROR, code };
}

/** The audit record of one run of a mutation. */
class MutationAudit implements PendingAudit {
  private written = false;
  private readonly base: Omit<AuditEntry, 'result'>;

  constructor(
    context: RequestContext,
    action: string,
    input: Record<string, unknown>,
    private readonly inputTarget: string | null,
    private readonly targetOf: (result: unknown) => string | null,
  ) {
    this.base = {
      kind: AuditKind.MUTATION,
      action,
      actorId: context.viewer?.employeeId ?? null,
      apiTokenId: context.viewer?.apiTokenId ?? null,
      target: inputTarget,
      detail: { input },
      ip: context.clientIp,
      requestId: context.requestId,
    };
  }

  get recorded(): boolean {
    return this.written;
  }

  claim(result: unknown) {
    if (this.written) return undefined;
    return auditInsert([
      { ...this.base, result: AuditResult.OK, target: this.inputTarget ?? this.targetOf(result) },
    ]);
  }

  settle(committed: boolean): void {
    this.written = committed;
  }

  /** The record of a run that committed nothing (or nothing through the hook). */
  entry(result: AuditResult, detail: Record<string, unknown>, payload: unknown): AuditEntry {
    return {
      ...this.base,
      result,
      target: this.inputTarget ?? this.targetOf(payload),
      detail: { ...this.base.detail, ...detail },
    };
  }
}

/** Wraps every mutation's resolver so that each run is recorded (see above). */
export function auditMutations(schema: GraphQLSchema): GraphQLSchema {
  const mutation = schema.getMutationType();
  for (const field of Object.values(mutation?.getFields() ?? {})) {
    const resolve = field.resolve ?? defaultFieldResolver;
    const targetOf = payloadTargets(field as GraphQLField<unknown, unknown>);
    const declared = field.args;
    const action = field.name;
    field.resolve = async (root, args: Record<string, unknown>, context: RequestContext, info) => {
      const audit = new MutationAudit(
        context,
        action,
        redactArguments(args, declared),
        targetInInput(args),
        targetOf,
      );
      // Without a viewer only the public mutations run (signing in, a survey answer): they are
      // recorded afterwards.
      const release = context.viewer ? auditWhileRunning(context.em, audit) : undefined;
      let payload: unknown;
      let entry: AuditEntry | undefined;
      try {
        payload = await resolve(root, args, context, info);
        const codes = userErrorCodes(payload);
        if (codes.length > 0) entry = audit.entry(AuditResult.REFUSED, { codes }, payload);
        else if (!audit.recorded) entry = audit.entry(AuditResult.OK, {}, payload);
        return payload;
      } catch (error) {
        const failure = failureOf(error);
        entry = audit.entry(failure.result, { codes: [failure.code] }, undefined);
        throw error;
      } finally {
        release?.();
        if (entry) await recordAfterwards(context, entry);
      }
    };
  }
  return schema;
}

/** Records a run that committed nothing through the hook; a failure to record is logged loudly. */
async function recordAfterwards(context: RequestContext, entry: AuditEntry): Promise<void> {
  try {
    await recordAudit(context.em, entry);
  } catch (error) {
    context.logger?.error({ err: error, action: entry.action }, 'could not record an audit entry');
  }
}

/** Records root mutation fields refused before they ran, for want of a valid token. */
export async function recordUnauthenticatedMutations(
  context: RequestContext,
  fieldNames: readonly string[],
): Promise<void> {
  for (const action of fieldNames)
    await recordAfterwards(context, {
      kind: AuditKind.MUTATION,
      action,
      result: AuditResult.UNAUTHENTICATED,
      actorId: null,
      detail: { codes: ['UNAUTHENTICATED'], reason: context.authFailure ?? 'missing' },
      ip: context.clientIp,
      requestId: context.requestId,
    });
}
