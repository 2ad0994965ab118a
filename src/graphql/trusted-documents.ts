import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  GraphQLError,
  Kind,
  parse,
  print,
  visit,
  type DefinitionNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from 'graphql';

/**
 * A document's identity, independent of whitespace and of the order its fragments come in: the
 * operation first, then the fragments it uses by name, each printed canonically.
 */
export function documentHash(document: DocumentNode): string {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const fragments = document.definitions
    .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
    .sort((a, b) => a.name.value.localeCompare(b.name.value));
  const canonical = [...operations, ...fragments].map((definition) => print(definition)).join('\n');
  return createHash('sha256').update(canonical).digest('hex');
}

/** The operation plus every fragment it reaches, as a standalone document. */
function standalone(
  operation: OperationDefinitionNode,
  fragments: Map<string, FragmentDefinitionNode>,
): DocumentNode {
  const needed = new Map<string, FragmentDefinitionNode>();
  const collect = (node: DefinitionNode) =>
    visit(node, {
      FragmentSpread(spread) {
        const fragment = fragments.get(spread.name.value);
        if (fragment && !needed.has(fragment.name.value)) {
          needed.set(fragment.name.value, fragment);
          collect(fragment);
        }
      },
    });
  collect(operation);
  return { kind: Kind.DOCUMENT, definitions: [operation, ...needed.values()] };
}

/**
 * The trusted-documents mode: only the operations registered in `schema/operations/*.graphql`
 * (what the console, tests and tools are generated from) may run. Off by default.
 */
export class TrustedDocuments {
  private readonly hashes = new Set<string>();

  constructor(operationsDir: string) {
    const files = fs.readdirSync(operationsDir).filter((file) => file.endsWith('.graphql'));
    const definitions = files.flatMap(
      (file) => parse(fs.readFileSync(path.join(operationsDir, file), 'utf8')).definitions,
    );
    const fragments = new Map(
      definitions.flatMap((d) =>
        d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [],
      ),
    );
    for (const definition of definitions) {
      if (definition.kind === Kind.OPERATION_DEFINITION)
        this.hashes.add(documentHash(standalone(definition, fragments)));
    }
  }

  get size(): number {
    return this.hashes.size;
  }

  /** Undefined when the document is registered, otherwise the refusal. */
  check(document: DocumentNode): GraphQLError | undefined {
    if (this.hashes.has(documentHash(document))) return undefined;
    return new GraphQLError(
      'Only registered operations may run on this server (trusted documents mode)',
      {
        extensions: { code: 'UNTRUSTED_DOCUMENT', http: { status: 400 } },
      },
    );
  }
}
