import { z } from 'zod';

/**
 * What Lambda sends to the SQS on-failure destination of a DynamoDB stream mapping: metadata about the
 * discarded records, never the records themselves (docs: "Retaining discarded records for a DynamoDB
 * event source"). Only the fields a redrive needs are required; the rest pass through.
 */
export const onFailureRecordSchema = z.looseObject({
  requestContext: z.looseObject({
    requestId: z.string().optional(),
    functionArn: z.string().min(1),
    condition: z.string(),
    approximateInvokeCount: z.number().optional(),
  }),
  responseContext: z.looseObject({ statusCode: z.number().optional(), functionError: z.string().optional() }),
  version: z.string().optional(),
  timestamp: z.string(),
  DDBStreamBatchInfo: z.looseObject({
    shardId: z.string().min(1),
    startSequenceNumber: z.string().regex(/^\d+$/),
    endSequenceNumber: z.string().regex(/^\d+$/),
    approximateArrivalOfFirstRecord: z.string().optional(),
    approximateArrivalOfLastRecord: z.string().optional(),
    batchSize: z.number().int().min(1),
    streamArn: z.string().min(1),
  }),
});

export type OnFailureRecord = z.infer<typeof onFailureRecordSchema>;

/** The message body as an on-failure record, or why it is not one. */
export const parseOnFailureRecord = (body: string): { record: OnFailureRecord } | { problem: string } => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { problem: 'the message body is not JSON' };
  }
  const parsed = onFailureRecordSchema.safeParse(json);
  return parsed.success
    ? { record: parsed.data }
    : {
        problem: `not a DynamoDB stream on-failure record: ${z.prettifyError(parsed.error).replace(/\n/g, ' ')}`,
      };
};
