import { z } from 'zod';
import type { ServiceDefinition } from '../service-definition';
import { validateFilterPattern } from './filter-pattern';
import type { EventSourceMapping, FilterPattern } from './types';

/**
 * The `stream` events of serverless.yml, as Lambda event source mappings. Validation follows the ranges
 * Lambda enforces (so a value AWS would reject fails here first) and refuses settings the local pollers do
 * not emulate (Kinesis-only options, misspelt keys such as `tumblingWindow`) instead of silently ignoring
 * them.
 */

/** `!GetAtt X.Attr` as the framework prints it: ['X', 'Attr'] (or the 'X.Attr' string form). */
const getAttSchema = z
  .strictObject({ 'Fn::GetAtt': z.union([z.tuple([z.string(), z.string()]), z.string()]) })
  .transform(({ 'Fn::GetAtt': value }, ctx) => {
    const [logicalId, attribute] = typeof value === 'string' ? value.split('.') : value;
    if (!logicalId || !attribute) {
      ctx.addIssue({ code: 'custom', message: `cannot read Fn::GetAtt ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return { logicalId, attribute };
  });

const filterPatternSchema = z.record(z.string(), z.unknown()).superRefine((pattern, ctx) => {
  for (const problem of validateFilterPattern(pattern)) ctx.addIssue({ code: 'custom', message: problem });
});

const onFailureSchema = z
  .union([
    z.string(),
    z.strictObject({ arn: z.union([z.string(), getAttSchema]), type: z.enum(['sqs', 'sns']).optional() }),
  ])
  .transform((value) => {
    const arn = typeof value === 'string' ? value : value.arn;
    return typeof arn === 'string' ? arn : arn.logicalId;
  });

const streamEventSchema = z
  .strictObject({
    type: z.literal('dynamodb'),
    arn: getAttSchema.refine((ref) => ref.attribute === 'StreamArn', {
      message: 'a DynamoDB stream event needs arn: !GetAtt <Table>.StreamArn',
    }),
    batchSize: z.number().int().min(1).max(10_000).default(100),
    batchWindow: z.number().int().min(0).max(300).default(0),
    // The framework's own default when startingPosition is omitted.
    startingPosition: z.enum(['LATEST', 'TRIM_HORIZON']).default('TRIM_HORIZON'),
    bisectBatchOnFunctionError: z.boolean().default(false),
    maximumRetryAttempts: z.number().int().min(-1).max(10_000).default(-1),
    maximumRecordAgeInSeconds: z
      .number()
      .int()
      .refine((value) => value === -1 || (value >= 60 && value <= 604_800), {
        message: 'must be -1 or between 60 and 604800 (Lambda rejects anything else)',
      })
      .default(-1),
    functionResponseType: z.literal('ReportBatchItemFailures').optional(),
    filterPatterns: z.array(filterPatternSchema).default([]),
    destinations: z.strictObject({ onFailure: onFailureSchema }).optional(),
    enabled: z.boolean().default(true),
    // Accepted so a deployed tuning does not break the local runtime; locally each shard runs one batch at a
    // time, which is the strictest ordering Lambda can give (documented in docs/local-stream-pollers.md).
    parallelizationFactor: z.number().int().min(1).max(10).optional(),
    // TumblingWindowInSeconds: 0 turns windows off, as in Lambda.
    tumblingWindowInSeconds: z.number().int().min(0).max(900).default(0),
  })
  .refine((s) => !(s.tumblingWindowInSeconds > 0 && (s.parallelizationFactor ?? 1) > 1), {
    message: 'tumblingWindowInSeconds needs parallelizationFactor 1 (Lambda rejects the combination)',
    path: ['parallelizationFactor'],
  });

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A `stream` event is for DynamoDB when it says so, or (string form) when its ARN is a DynamoDB one. */
const isDynamoDbStream = (stream: unknown): boolean => {
  if (typeof stream === 'string') return stream.includes(':dynamodb:');
  if (!isObject(stream)) return false;
  if (stream.type !== undefined) return stream.type === 'dynamodb';
  return typeof stream.arn === 'string' ? stream.arn.includes(':dynamodb:') : isObject(stream.arn);
};

export const eventSourceMappingsOf = (definition: ServiceDefinition): EventSourceMapping[] =>
  Object.entries(definition.functions).flatMap(([functionName, fn]) =>
    (fn.events ?? []).flatMap((event, index): EventSourceMapping[] => {
      const stream = event.stream;
      if (stream === undefined || !isDynamoDbStream(stream)) return [];
      const where = `functions.${functionName}.events[${index}].stream`;
      if (typeof stream === 'string' || (isObject(stream) && typeof stream.arn === 'string')) {
        throw new Error(
          `${where}: a literal stream ARN cannot be matched to a local table; use arn: !GetAtt <Table>.StreamArn`,
        );
      }
      const parsed = streamEventSchema.safeParse(isObject(stream) ? { type: 'dynamodb', ...stream } : stream);
      if (!parsed.success)
        throw new Error(`${where} is not a valid DynamoDB stream event:\n${z.prettifyError(parsed.error)}`);
      const s = parsed.data;
      return [
        {
          functionName,
          handler: fn.handler,
          tableLogicalId: s.arn.logicalId,
          enabled: s.enabled,
          settings: {
            batchSize: s.batchSize,
            batchWindowSeconds: s.batchWindow,
            startingPosition: s.startingPosition,
            bisectBatchOnFunctionError: s.bisectBatchOnFunctionError,
            maximumRetryAttempts: s.maximumRetryAttempts,
            maximumRecordAgeInSeconds: s.maximumRecordAgeInSeconds,
            reportBatchItemFailures: s.functionResponseType === 'ReportBatchItemFailures',
            filterPatterns: s.filterPatterns satisfies FilterPattern[],
            onFailureArn: s.destinations?.onFailure,
            tumblingWindowSeconds: s.tumblingWindowInSeconds,
          },
        },
      ];
    }),
  );
