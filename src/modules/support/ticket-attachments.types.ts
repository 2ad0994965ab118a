import { Field, Int, ObjectType } from 'type-graphql';
import { Node } from '../../graphql/relay';

@ObjectType('Attachment', {
  implements: Node,
  description:
    'A file on a ticket message: one that came with an email, or one an agent uploaded (`POST /attachments`) and sent with a reply.',
})
export class AttachmentObject extends Node {
  @Field(() => String, { description: 'The file name, cleaned of any path.' })
  filename!: string;

  @Field(() => String, {
    description:
      "What the bytes are, recognised from the bytes themselves rather than the name or the sender's claim (`application/octet-stream` when unknown).",
  })
  contentType!: string;

  @Field(() => Int, { description: 'Size in bytes.' })
  size!: number;

  @Field(() => String, {
    description:
      'Where it downloads: a path on this server, signed for 15 minutes so that a link opens it without a bearer token. Without the signature, the path answers to a bearer token that may read the ticket.',
  })
  url!: string;

  @Field(() => Boolean, {
    description:
      'An image shown inside the email it came with (by Content-ID), not a separate file.',
  })
  inline!: boolean;

  @Field(() => Date, { description: 'When it arrived or was uploaded.' })
  createdAt!: Date;
}
