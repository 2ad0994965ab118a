import fs from 'node:fs';
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
  type GraphQLSchema,
} from 'graphql';
import { SCHEMA_FILE } from '../src/server/emit-schema';
import { backdeskSchema, printBackdeskSchema } from '../src/server/schema';

let schema: GraphQLSchema;

beforeAll(async () => {
  schema = await backdeskSchema();
});

/** Every type, field, argument, input field and enum value that lacks a description. */
function undescribed(target: GraphQLSchema): string[] {
  const missing: string[] = [];
  const blank = (text: string | null | undefined) => !text || text.trim().length === 0;
  for (const type of Object.values(target.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    if (blank(type.description)) missing.push(type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (blank(field.description)) missing.push(`${type.name}.${field.name}`);
        for (const arg of field.args)
          if (blank(arg.description)) missing.push(`${type.name}.${field.name}(${arg.name})`);
      }
    }
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields()))
        if (blank(field.description)) missing.push(`${type.name}.${field.name}`);
    }
    if (isEnumType(type)) {
      for (const value of type.getValues())
        if (blank(value.description)) missing.push(`${type.name}.${value.name}`);
    }
  }
  return missing;
}

describe('schema', () => {
  it('matches the committed schema/schema.graphql (run `npm run schema:emit` after changing the code)', () => {
    expect(printBackdeskSchema(schema)).toBe(fs.readFileSync(SCHEMA_FILE, 'utf8'));
  });

  it('describes every type, field, argument, input field and enum value', () => {
    expect(undescribed(schema)).toEqual([]);
  });

  it('finds missing descriptions (the check itself can fail)', async () => {
    const { buildSchema } = await import('graphql');
    expect(
      undescribed(buildSchema('"Root" type Query { "Described" a(x: Int): Int b: Int }')),
    ).toEqual(['Query.a(x)', 'Query.b']);
  });
});
