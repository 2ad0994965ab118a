import { GraphQLError } from 'graphql';

/**
 * Opaque global IDs: base64url of `<Type>:<key>`. Clients must treat them as opaque strings;
 * the server decodes them and checks the type before touching the database.
 */
export function toGlobalId(typeName: string, key: number | string | bigint): string {
  return Buffer.from(`${typeName}:${key}`, 'utf8').toString('base64url');
}

export interface DecodedGlobalId {
  typeName: string;
  key: string;
}

export function decodeGlobalId(globalId: string): DecodedGlobalId | undefined {
  if (typeof globalId !== 'string' || globalId.length === 0 || globalId.length > 200)
    return undefined;
  if (!/^[A-Za-z0-9_-]+$/.test(globalId)) return undefined;
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator <= 0) return undefined;
  const typeName = decoded.slice(0, separator);
  const key = decoded.slice(separator + 1);
  if (!/^[A-Za-z]+$/.test(typeName) || key.length === 0) return undefined;
  return { typeName, key };
}

/** A malformed ID, or the ID of another type, is malformed input. */
export function badId(argumentName: string, expectedType: string): GraphQLError {
  return new GraphQLError(`"${argumentName}" is not a valid ${expectedType} ID`, {
    extensions: { code: 'BAD_USER_INPUT', argument: argumentName },
  });
}

/** Decodes a global ID of the given type to its numeric primary key, or throws BAD_USER_INPUT. */
export function parseGlobalId(globalId: string, expectedType: string, argumentName = 'id'): number {
  const decoded = decodeGlobalId(globalId);
  if (!decoded || decoded.typeName !== expectedType || !/^[1-9]\d{0,15}$/.test(decoded.key)) {
    throw badId(argumentName, expectedType);
  }
  return Number(decoded.key);
}
