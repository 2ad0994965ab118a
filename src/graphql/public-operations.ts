import {
  Kind,
  type DocumentNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { PUBLIC_ROOT_FIELDS } from './access-rules';

/** Root mutations anyone may call without a token (access-rules.ts lists them). */
const PUBLIC_MUTATIONS: ReadonlySet<string> = new Set(
  [...PUBLIC_ROOT_FIELDS].flatMap((field) =>
    field.startsWith('Mutation.') ? [field.slice('Mutation.'.length)] : [],
  ),
);

/**
 * Whether an operation touches only public root fields (those above, and `__typename` anywhere).
 * Fragments at the root are followed, so they cannot smuggle a private field in.
 */
export function isPublicOperation(
  operation: OperationDefinitionNode | undefined,
  document: DocumentNode,
): boolean {
  if (!operation) return false;
  const publicFields = operation.operation === 'mutation' ? PUBLIC_MUTATIONS : new Set<string>();
  const fragments = new Map(
    document.definitions.flatMap((definition) =>
      definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition]] : [],
    ),
  );
  const visit = (selectionSet: SelectionSetNode, seen: Set<string>): boolean =>
    selectionSet.selections.every((selection) => {
      if (selection.kind === Kind.FIELD)
        return selection.name.value === '__typename' || publicFields.has(selection.name.value);
      if (selection.kind === Kind.INLINE_FRAGMENT) return visit(selection.selectionSet, seen);
      const fragment = fragments.get(selection.name.value);
      if (!fragment || seen.has(fragment.name.value)) return false;
      return visit(fragment.selectionSet, new Set([...seen, fragment.name.value]));
    });
  return visit(operation.selectionSet, new Set());
}
