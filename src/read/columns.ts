import type { EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  Kind,
  getNamedType,
  isObjectType,
  type FieldNode,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { columnPropertiesOf, type JoinedColumns } from './rows';

/**
 * Which columns a page reads: only those the fields its query selects need.
 *
 * A field of an object type reads the parent row's property of the same name, unless it has a
 * field resolver: then the resolver declares what it reads with `@Reads`, and one that
 * declares nothing makes its parent's page read every column (nothing is ever left out on a
 * guess). A page of tickets then reads only the columns its fields show, and the customer, agent
 * and order beside each only the two or three their fields need.
 *
 * Only pages (`readPage`, `readPagesPerParent`) and the rows they join read fewer columns. Rows
 * loaded by key (`readById`) are shared by every field of a request that asks for the same
 * row, so they stay whole.
 */

/** The fields a query selects on an object type, each with what it selects in turn. */
export interface Selection {
  typeName: string;
  fields: Map<string, Selection | undefined>;
}

/** Field resolvers' declared reads: resolver class → method → properties of the parent row. */
const declaredReads = new Map<object, Map<string, readonly string[]>>();

function declareReads(prototype: object, method: string | symbol, properties: readonly string[]) {
  const resolver = prototype.constructor;
  let methods = declaredReads.get(resolver);
  if (!methods) {
    methods = new Map();
    declaredReads.set(resolver, methods);
  }
  methods.set(String(method), properties);
}

/** The key every row holds, whatever a page reads. */
type KeyOf<Entity> = 'id' extends keyof Entity ? 'id' : never;

/** A row that holds the columns `Columns` of `Entity` (and its key), and nothing else. */
export type RowOf<Entity, Columns extends keyof Entity = never> = Readonly<
  Pick<Entity, Columns | KeyOf<Entity>>
>;

/** The parent row a field resolver takes: its first parameter (`@Root()`). */
type ParentOf<Method> = Method extends (parent: infer Parent, ...rest: never[]) => unknown
  ? Parent
  : never;

/**
 * Unknown when the resolver's parent row holds only declared columns; otherwise a type no
 * descriptor has, which names the columns it would read without declaring them.
 */
type DeclaresAllItReads<Method, Declared extends PropertyKey> = [
  Exclude<keyof ParentOf<Method>, Declared>,
] extends [never]
  ? unknown
  : { readsUndeclaredColumns: Exclude<keyof ParentOf<Method>, Declared> };

/**
 * Declares the columns of its parent row (of `entity`) that a field resolver reads. The
 * resolver's first parameter (`@Root()`) must then be typed `RowOf<Entity, …those columns>` or
 * narrower: a row type with any other column does not compile, and neither does reading one.
 * Pages read only the declared columns of their rows (see `neededProperties`).
 */
export function Reads<Entity extends object, const Columns extends keyof Entity & string>(
  // Names the row's type; the columns' existence is checked when a page first reads them.
  _entity: EntityClass<Entity>,
  ...columns: Columns[]
) {
  return <Method>(
    prototype: object,
    method: string | symbol,
    descriptor: TypedPropertyDescriptor<Method> &
      DeclaresAllItReads<Method, Columns | KeyOf<Entity>>,
  ): void => {
    void descriptor;
    declareReads(prototype, method, columns);
  };
}

/**
 * Declares that a field resolver reads nothing of its parent row but the key. Such a field may
 * also start before its row is read, with a row that holds only the key (look-ahead.ts).
 */
export function ReadsKeyOnly() {
  return <Method>(
    prototype: object,
    method: string | symbol,
    descriptor: TypedPropertyDescriptor<Method> & DeclaresAllItReads<Method, 'id'>,
  ): void => {
    void descriptor;
    declareReads(prototype, method, []);
  };
}

/**
 * Per object type (by GraphQL name), its fields that have a resolver: what each reads, or null
 * when it declares nothing. Fields absent here read the property of their own name. Built once,
 * from type-graphql's metadata, after the schema is.
 */
let resolvedFields: Map<string, Map<string, readonly string[] | null>> | undefined;

function resolvedFieldsOf(typeName: string): Map<string, readonly string[] | null> | undefined {
  if (!resolvedFields) {
    const storage = getMetadataStorage();
    const index = new Map<string, Map<string, readonly string[] | null>>();
    const fieldsOf = (type: string) => {
      let fields = index.get(type);
      if (!fields) {
        fields = new Map();
        index.set(type, fields);
      }
      return fields;
    };
    const byClass = new Map<unknown, string>(
      storage.objectTypes.map((type) => [type.target, type.name]),
    );
    for (const resolver of storage.fieldResolvers) {
      const type = byClass.get(resolver.getObjectType?.());
      if (type)
        fieldsOf(type).set(
          resolver.schemaName,
          declaredReads.get(resolver.target)?.get(resolver.methodName) ?? null,
        );
    }
    // A field whose schema name is not its property's name is not read by name: all columns.
    for (const type of storage.objectTypes)
      for (const field of type.fields ?? [])
        if (field.name !== field.schemaName) fieldsOf(type.name).set(field.schemaName, null);
    resolvedFields = index;
  }
  return resolvedFields.get(typeName);
}

/**
 * Whether `typeName.field` has a resolver that reads nothing of its parent row but the key
 * (declared `@ReadsKeyOnly()`), so it can start before the row is read (look-ahead.ts).
 */
export function readsOnlyKey(typeName: string, field: string): boolean {
  return resolvedFieldsOf(typeName)?.get(field)?.length === 0;
}

/** `neededProperties` per selection (itself kept per query), entity and `always`. */
const neededCache = new WeakMap<Selection, Map<string, ReadonlySet<string> | undefined>>();

/**
 * The properties (of `entity`, mapped to columns) that the selected fields read, with the
 * primary key and `always`; undefined when one of them needs every column.
 */
export function neededProperties(
  em: EntityManager,
  entity: EntityClass<object>,
  selection: Selection,
  always: readonly string[] = [],
): ReadonlySet<string> | undefined {
  let cache = neededCache.get(selection);
  if (!cache) {
    cache = new Map();
    neededCache.set(selection, cache);
  }
  const key = `${entity.name}|${always.join(',')}`;
  if (cache.has(key)) return cache.get(key);
  const needed = readsOf(em, entity, selection, always);
  cache.set(key, needed);
  return needed;
}

function readsOf(
  em: EntityManager,
  entity: EntityClass<object>,
  selection: Selection,
  always: readonly string[],
): ReadonlySet<string> | undefined {
  const columns = columnPropertiesOf(em, entity);
  const needed = new Set<string>(always);
  for (const key of columns.primaryKeys) needed.add(key);
  const resolved = resolvedFieldsOf(selection.typeName);
  for (const field of selection.fields.keys()) {
    const reads = resolved?.get(field);
    if (reads === null) return undefined;
    for (const property of reads ?? [field]) {
      if (columns.all.has(property)) needed.add(property);
      else if (reads)
        throw new Error(
          `${selection.typeName}.${field} declares it reads ${property}, which ${entity.name} has no column for`,
        );
    }
  }
  return needed.size >= columns.all.size ? undefined : needed;
}

/** What `fieldNodes` select on `typeName`, fragments included whatever their type condition. */
function selectionOn(
  info: GraphQLResolveInfo,
  typeName: string,
  fieldNodes: readonly FieldNode[],
): Selection {
  const type = info.schema.getType(typeName);
  const fieldTypes = isObjectType(type) ? type.getFields() : {};
  const byField = new Map<string, FieldNode[]>();
  const visit = (selectionSet: SelectionSetNode | undefined) => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        byField.set(name, [...(byField.get(name) ?? []), selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
      else visit(info.fragments[selection.name.value]?.selectionSet);
    }
  };
  for (const node of fieldNodes) visit(node.selectionSet);
  const fields = new Map<string, Selection | undefined>();
  for (const [name, nodes] of byField) {
    const fieldType = fieldTypes[name] && getNamedType(fieldTypes[name].type);
    fields.set(
      name,
      fieldType && isObjectType(fieldType) ? selectionOn(info, fieldType.name, nodes) : undefined,
    );
  }
  return { typeName, fields };
}

/** The selections of a connection field's items (`nodes { … }` and `edges { node { … } }`); cached per query. */
const itemSelections = new WeakMap<readonly FieldNode[], Selection | null>();

export function itemSelection(info: GraphQLResolveInfo): Selection | undefined {
  let cached = itemSelections.get(info.fieldNodes);
  if (cached === undefined) {
    cached = null;
    const connection = getNamedType(info.returnType);
    const nodes = isObjectType(connection) ? connection.getFields().nodes : undefined;
    const item = nodes && getNamedType(nodes.type);
    if (item && isObjectType(item)) {
      const items: FieldNode[] = [];
      const visit = (selectionSet: SelectionSetNode | undefined, inEdges: boolean) => {
        for (const selection of selectionSet?.selections ?? []) {
          if (selection.kind === Kind.FIELD) {
            const name = selection.name.value;
            if (!inEdges && name === 'nodes') items.push(selection);
            else if (!inEdges && name === 'edges') visit(selection.selectionSet, true);
            else if (inEdges && name === 'node') items.push(selection);
          } else if (selection.kind === Kind.INLINE_FRAGMENT) {
            visit(selection.selectionSet, inEdges);
          } else {
            visit(info.fragments[selection.name.value]?.selectionSet, inEdges);
          }
        }
      };
      for (const node of info.fieldNodes) visit(node.selectionSet, false);
      cached = selectionOn(info, item.name, items);
    }
    itemSelections.set(info.fieldNodes, cached);
  }
  return cached ?? undefined;
}

/** What the rows joined to a selection's rows read: per relation, what its sub-selection needs. */
export function relationColumns(
  em: EntityManager,
  selection: Selection | undefined,
): JoinedColumns['joined'] {
  return (property, target) => {
    const sub = selection?.fields.get(property);
    return sub && neededProperties(em, target, sub);
  };
}

/** What rows joined for a field read: the columns its selection needs, and those of the rows joined to them. */
export function joinedColumns(
  em: EntityManager,
  entity: EntityClass<object>,
  selection: Selection | undefined,
): JoinedColumns {
  return {
    own: selection && neededProperties(em, entity, selection),
    joined: relationColumns(em, selection),
  };
}
