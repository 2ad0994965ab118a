import { ArrayMaxSize, ArrayMinSize, IsString, MaxLength, MinLength } from 'class-validator';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { Connection, Node } from '../../graphql/relay';
import { UserError } from '../../graphql/user-error';
import { EmployeeObject } from '../employees/employee.types';
import { Role } from '../common/role';

@InputType({ description: 'Credentials to sign in with.' })
export class LoginInput {
  @Field(() => String, { description: 'Work email address (case-insensitive).' })
  @IsString()
  @MaxLength(320)
  email!: string;

  @Field(() => String, { description: 'Password.' })
  @IsString()
  @MaxLength(1024)
  password!: string;
}

@ObjectType({ description: 'The result of `login`.' })
export class LoginPayload {
  @Field(() => String, {
    nullable: true,
    description: 'A session token for `Authorization: Bearer <token>`; null when refused.',
  })
  token?: string;

  @Field(() => EmployeeObject, {
    nullable: true,
    description: 'The employee who signed in; null when refused.',
  })
  employee?: unknown;

  @Field(() => [UserError], {
    description: 'Why sign-in was refused (`INVALID_CREDENTIALS`); empty on success.',
  })
  userErrors!: UserError[];
}

@ObjectType('ApiToken', {
  implements: Node,
  description: 'A long-lived token for tools. The secret is shown once, at creation.',
})
export class ApiTokenObject extends Node {
  @Field(() => String, { description: 'What the token is for.' })
  name!: string;

  @Field(() => String, { description: 'The first characters of the secret, to tell tokens apart.' })
  prefix!: string;

  @Field(() => [Role], { description: 'What the token may do.' })
  roles!: Role[];

  @Field(() => Date, { description: 'When it was created.' })
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When it was last used (to the minute).' })
  lastUsedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it was revoked; null while it works.' })
  revokedAt!: Date | null;
}

export const ApiTokenConnection = Connection(ApiTokenObject, 'ApiToken', 'API token');

@InputType({ description: 'A new API token.' })
export class CreateApiTokenInput {
  @Field(() => String, {
    description: 'What the token is for, such as "Nightly reporting export".',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @Field(() => [Role], { description: 'What the token may do.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(7)
  roles!: Role[];
}

@ObjectType({ description: 'The result of `createApiToken`.' })
export class CreateApiTokenPayload {
  @Field(() => String, {
    nullable: true,
    description: 'The secret; shown only this once. Send it as `Authorization: Bearer <token>`.',
  })
  token?: string;

  @Field(() => ApiTokenObject, { nullable: true, description: 'The token record.' })
  apiToken?: unknown;

  @Field(() => [UserError], { description: 'Why the token was not created.' })
  userErrors!: UserError[];
}

@InputType({ description: 'Which API token to revoke.' })
export class RevokeApiTokenInput {
  @Field(() => ID, { description: 'The global ID of the API token.' })
  @IsString()
  id!: string;
}

@ObjectType({ description: 'The result of `revokeApiToken`.' })
export class RevokeApiTokenPayload {
  @Field(() => ApiTokenObject, { nullable: true, description: 'The revoked token.' })
  apiToken?: unknown;

  @Field(() => [UserError], {
    description: 'Why it was not revoked (`NOT_FOUND`, `ALREADY_REVOKED`).',
  })
  userErrors!: UserError[];
}
