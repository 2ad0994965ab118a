import type { EntityClass } from '@mikro-orm/core';
import {
  Kind,
  getArgumentValues,
  getNamedType,
  isLeafType,
  isObjectType,
  type FieldNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { readsOnlyKey } from './columns';
import { readById, type ReadContext } from './loaders';

/**
 * Look-ahead for a field that loads one row by a key its arguments give (`customer(id:)`,
 * `order(id:)`, `node(id:)`): the fields selected on that row whose resolvers read nothing of it
 * but its key (`@ReadsKeyOnly()`: a customer's orders, tickets and balance) start as soon as the
 * key is known, in the same turn as the row's own read, instead of a turn later once the row has
 * come back. Their statements then go to PostgreSQL in one write with the row's (see
 * db/statement-pipeline.ts), and the request waits for one round trip instead of two.
 *
 * A field started here runs its resolver through the schema's own resolve function (argument
 * conversion, validation and `@Authorized` included) with a stand-in row that holds only the
 * key. What it returns, or the error it fails with, is kept for the request; when GraphQL comes
 * to the field with the real row, the field answers with that (`answerStartedFields`). If the
 * row turns out not to exist, GraphQL never asks, and the start only cost its statements.
 */

/** A field selected on the row, with what GraphQL will pass its resolver. */
interface LookAheadField {
  responseKey: string;
  field: GraphQLField<unknown, unknown>;
  /** Kept per document, so that what is cached per selection (columns.ts) is shared. */
  fieldNodes: FieldNode[];
}

/** Per parent field nodes (one document's field) and row type: the fields worth starting. */
const planned = new WeakMap<readonly FieldNode[], Map<string, LookAheadField[]>>();

/**
 * Per request (its context): what each started field returned, by its first field node (one
 * place in the document, so one set of arguments and one selection) and its row's type and key.
 */
const startedByRequest = new WeakMap<object, Map<FieldNode, Map<string, unknown>>>();

function startedOf(context: object): Map<FieldNode, Map<string, unknown>> {
  let started = startedByRequest.get(context);
  if (!started) {
    started = new Map();
    startedByRequest.set(context, started);
  }
  return started;
}

/**
 * Starts the key-only fields `info`'s selection asks for on the row of `typeName` with this
 * primary key. Call it in the same turn as the row's own load.
 */
export function startKeyOnlyFields(
  info: GraphQLResolveInfo,
  context: object,
  typeName: string,
  key: number,
): void {
  const type = info.schema.getType(typeName);
  if (!isObjectType(type)) return;
  const row = { id: key };
  const rowKey = `${typeName}:${key}`;
  const started = startedOf(context);
  for (const { responseKey, field, fieldNodes } of lookAheadFields(info, type)) {
    const childInfo: GraphQLResolveInfo = {
      ...info,
      fieldName: field.name,
      fieldNodes,
      returnType: field.type,
      parentType: type,
      path: { prev: info.path, key: responseKey, typename: typeName },
    };
    let result: unknown;
    try {
      const args = getArgumentValues(field, fieldNodes[0], info.variableValues);
      result = field.resolve?.(row, args, context, childInfo);
    } catch {
      continue; // GraphQL resolves the field itself, and reports the error where it belongs.
    }
    // Its failure is reported when GraphQL asks for the field, or never if the row is missing.
    if (result instanceof Promise) result.catch(() => undefined);
    let byRow = started.get(fieldNodes[0]);
    if (!byRow) started.set(fieldNodes[0], (byRow = new Map()));
    byRow.set(rowKey, result);
  }
}

/**
 * Makes every field that can be started early answer with what its start returned, when it was
 * started for this place in the document and this row; otherwise it resolves as before.
 */
export function answerStartedFields(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve;
      if (!resolve || !startsEarly(type, field)) continue;
      const typeName = type.name;
      field.resolve = (row: { id: number }, args, context: object, info) => {
        const byRow = startedByRequest.get(context)?.get(info.fieldNodes[0]);
        const rowKey = byRow && `${typeName}:${row.id}`;
        return rowKey && byRow.has(rowKey) ? byRow.get(rowKey) : resolve(row, args, context, info);
      };
    }
  }
  return schema;
}

/**
 * A field whose resolver reads only its row's key. One that returns a scalar, such as the
 * global `id`, is worked out from the key on the spot and has nothing to read early.
 */
function startsEarly(type: GraphQLObjectType, field: GraphQLField<unknown, unknown>): boolean {
  return !isLeafType(getNamedType(field.type)) && readsOnlyKey(type.name, field.name);
}

function lookAheadFields(info: GraphQLResolveInfo, type: GraphQLObjectType): LookAheadField[] {
  let byType = planned.get(info.fieldNodes);
  if (!byType) {
    byType = new Map();
    planned.set(info.fieldNodes, byType);
  }
  let fields = byType.get(type.name);
  if (!fields) {
    fields = planFields(info, type);
    byType.set(type.name, fields);
  }
  return fields;
}

/**
 * The selected fields of `type` that can start early, each with its field nodes in the order
 * GraphQL collects them. A response key that a `@skip`/`@include` or a fragment on another type
 * (an interface the row's type implements) touches is left to GraphQL: which nodes make up that
 * field, if any, is GraphQL's to say.
 */
function planFields(info: GraphQLResolveInfo, type: GraphQLObjectType): LookAheadField[] {
  const byResponseKey = new Map<string, FieldNode[]>();
  const leftToGraphQL = new Set<string>();
  const visit = (selectionSet: SelectionSetNode | undefined, sure: boolean) => {
    for (const selection of selectionSet?.selections ?? []) {
      const unconditional = sure && !selection.directives?.length;
      if (selection.kind === Kind.FIELD) {
        const responseKey = selection.alias?.value ?? selection.name.value;
        if (!unconditional) leftToGraphQL.add(responseKey);
        byResponseKey.set(responseKey, [...(byResponseKey.get(responseKey) ?? []), selection]);
        continue;
      }
      const fragment =
        selection.kind === Kind.INLINE_FRAGMENT ? selection : info.fragments[selection.name.value];
      const condition = fragment?.typeCondition?.name.value;
      const sameType = condition === undefined || condition === type.name;
      visit(fragment?.selectionSet, unconditional && sameType);
    }
  };
  for (const node of info.fieldNodes) visit(node.selectionSet, true);
  const fields: LookAheadField[] = [];
  for (const [responseKey, fieldNodes] of byResponseKey) {
    const field = type.getFields()[fieldNodes[0].name.value];
    if (field?.resolve && !leftToGraphQL.has(responseKey) && startsEarly(type, field))
      fields.push({ responseKey, field, fieldNodes });
  }
  return fields;
}

/**
 * The row of `entity` with this primary key, loaded by key and batched per request (null if
 * there is none), with the key-only fields the query selects on it started in the same turn.
 */
export function readRoot<T extends { id: number }>(
  context: ReadContext,
  info: GraphQLResolveInfo,
  entity: EntityClass<T>,
  typeName: string,
  key: number,
): Promise<T | null> {
  const row = readById(context, entity, key);
  startKeyOnlyFields(info, context, typeName, key);
  return row;
}
