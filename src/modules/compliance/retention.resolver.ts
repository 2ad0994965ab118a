import {
  Arg,
  Authorized,
  Ctx,
  FieldResolver,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { toPayload } from '../../graphql/user-error';
import { Permissions } from '../auth/permissions';
import type { RequestContext } from '../context';
import { signedIn } from '../../graphql/auth-checker';
import {
  COMPLIANCE_ONLY,
  RetentionPolicyObject,
  RetentionPolicyPayload,
  RetentionPreviewObject,
  RunRetentionInput,
  RunRetentionPayload,
  SetRetentionPolicyInput,
} from './compliance.types';
import { fingerprint } from './retention.service';
import { RetentionAction, RetentionPolicy, RetentionRecordClass } from './retention-policy.entity';

const RETENTION = Permissions.compliance.retention;

@Resolver(() => RetentionPolicyObject)
export class RetentionResolver {
  @Authorized(...RETENTION)
  @Query(() => [RetentionPolicyObject], {
    description: `The retention policies, one per class of records. ${COMPLIANCE_ONLY}`,
  })
  retentionPolicies(@Ctx() context: RequestContext) {
    return context.services.retention.policies(context);
  }

  @Authorized(...RETENTION)
  @Query(() => RetentionPreviewObject, {
    description: `A dry run of a retention policy: how many records a run would purge now and a sample, by the query the run uses, without held records. It is what lets the policy's current settings be enabled. ${COMPLIANCE_ONLY}`,
  })
  previewRetention(
    @Arg('recordClass', () => RetentionRecordClass, { description: 'The class of records.' })
    recordClass: RetentionRecordClass,
    @Ctx() context: RequestContext,
  ) {
    return context.services.retention.preview(context, recordClass);
  }

  @Authorized(...RETENTION)
  @Mutation(() => RetentionPolicyPayload, {
    description: `Sets a retention policy's period and action, and enables or disables it; enabling needs a preview of exactly these settings (\`PREVIEW_REQUIRED\`), and a change of period or action disables it until previewed again; the period has a range per class and some classes allow one action (\`INVALID_INPUT\`). ${COMPLIANCE_ONLY}`,
  })
  setRetentionPolicy(
    @Arg('input', () => SetRetentionPolicyInput, { description: 'The policy.' })
    input: SetRetentionPolicyInput,
    @Ctx() context: RequestContext,
  ) {
    signedIn(context);
    return toPayload(() => context.services.retention.setPolicy(context, input));
  }

  @Authorized(...RETENTION)
  @Mutation(() => RunRetentionPayload, {
    description: `Applies a retention policy now, enabled or not, in batches, skipping held records. ${COMPLIANCE_ONLY}`,
  })
  runRetention(
    @Arg('input', () => RunRetentionInput, { description: 'The policy to apply.' })
    input: RunRetentionInput,
    @Ctx() context: RequestContext,
  ) {
    const viewer = signedIn(context);
    return toPayload(async () => ({
      run: await context.services.retention.run(context, input.recordClass, viewer.employeeId),
    }));
  }

  @FieldResolver(() => [RetentionAction], { description: 'The actions this class allows.' })
  allowedActions(@Root() policy: RetentionPolicy, @Ctx() context: RequestContext) {
    return context.services.retention.classes[policy.recordClass].actions;
  }

  @FieldResolver(() => Int, { description: 'The shortest period this class allows, in days.' })
  minKeepDays(@Root() policy: RetentionPolicy, @Ctx() context: RequestContext) {
    return context.services.retention.classes[policy.recordClass].minDays;
  }

  @FieldResolver(() => Date, {
    nullable: true,
    description:
      'When the current period and action were last previewed (null: not since they changed).',
  })
  previewedAt(@Root() policy: RetentionPolicy): Date | null {
    return policy.previewedFingerprint === fingerprint(policy) ? policy.previewedAt : null;
  }
}
