/**
 * AWS list prices `ai-ops cost` multiplies by, per region, in USD. Transcribed by hand from the public
 * pricing pages below; they change, so the date says when they were read. The free tier is NOT
 * subtracted anywhere (a fleet's bill should not look smaller in the first year than after it).
 * DynamoDB on-demand request prices are those after the 2024-11-01 reduction (halved):
 * https://aws.amazon.com/about-aws/whats-new/2024/11/amazon-dynamodb-reduces-prices-on-demand-throughput-global-tables/
 */
export const PRICES_READ_ON = '2026-11-27';

export const PRICE_SOURCES = {
  dynamodb: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  lambda: 'https://aws.amazon.com/lambda/pricing/',
  stepFunctions: 'https://aws.amazon.com/step-functions/pricing/',
  sns: 'https://aws.amazon.com/sns/pricing/',
  eventBridge: 'https://aws.amazon.com/eventbridge/pricing/',
  apiGateway: 'https://aws.amazon.com/api-gateway/pricing/',
  cloudWatch: 'https://aws.amazon.com/cloudwatch/pricing/',
  xRay: 'https://aws.amazon.com/xray/pricing/',
} as const;

export interface RegionPrices {
  dynamodb: {
    /** Per million write request units (on-demand). */
    writeRequestUnitsPerMillion: number;
    /** Per million read request units (on-demand). */
    readRequestUnitsPerMillion: number;
    /** Standard table class, per GB-month. */
    storagePerGbMonth: number;
    /** Continuous backups (PITR), per GB-month of table size. */
    pitrPerGbMonth: number;
    /** Streams read by a Lambda trigger are free: "GetRecords API calls invoked by AWS Lambda ... are free". */
    streamReadsByLambdaPerMillion: number;
  };
  lambda: {
    requestsPerMillion: number;
    /** arm64 (the functions' architecture in serverless.yml), first pricing tier. */
    armGbSecond: number;
  };
  /** Standard workflows, per 1,000 state transitions. */
  stepFunctionsTransitionsPerThousand: number;
  /** Standard topic, per million publishes (64 KB chunks); deliveries to email/HTTP are extra. */
  snsPublishesPerMillion: number;
  /** Scheduled rules on the default bus are not charged; custom events are, per million. */
  eventBridgeScheduledRuleInvocations: number;
  /** HTTP API, per million requests (first 300 million a month tier). */
  httpApiRequestsPerMillion: number;
  cloudWatch: {
    logsIngestionPerGb: number;
    logsStoragePerGbMonth: number;
    /** Per metric-month, first 10,000 metrics tier. */
    customMetricPerMonth: number;
    dashboardPerMonth: number;
    /** Standard resolution alarm, per alarm-month. */
    standardAlarmPerMonth: number;
  };
  /** Per million traces recorded. */
  xRayTracesPerMillion: number;
}

const US_EAST_1: RegionPrices = {
  dynamodb: {
    writeRequestUnitsPerMillion: 0.625,
    readRequestUnitsPerMillion: 0.125,
    storagePerGbMonth: 0.25,
    pitrPerGbMonth: 0.2,
    streamReadsByLambdaPerMillion: 0,
  },
  lambda: { requestsPerMillion: 0.2, armGbSecond: 0.0000133334 },
  stepFunctionsTransitionsPerThousand: 0.025,
  snsPublishesPerMillion: 0.5,
  eventBridgeScheduledRuleInvocations: 0,
  httpApiRequestsPerMillion: 1.0,
  cloudWatch: {
    logsIngestionPerGb: 0.5,
    logsStoragePerGbMonth: 0.03,
    customMetricPerMonth: 0.3,
    dashboardPerMonth: 3,
    standardAlarmPerMonth: 0.1,
  },
  xRayTracesPerMillion: 5,
};

/** The project's default region (serverless.yml). */
const EU_WEST_1: RegionPrices = {
  dynamodb: {
    writeRequestUnitsPerMillion: 0.7068,
    readRequestUnitsPerMillion: 0.1415,
    storagePerGbMonth: 0.283,
    pitrPerGbMonth: 0.2265,
    streamReadsByLambdaPerMillion: 0,
  },
  lambda: { requestsPerMillion: 0.2, armGbSecond: 0.0000133334 },
  stepFunctionsTransitionsPerThousand: 0.025,
  snsPublishesPerMillion: 0.5,
  eventBridgeScheduledRuleInvocations: 0,
  httpApiRequestsPerMillion: 1.11,
  cloudWatch: {
    logsIngestionPerGb: 0.57,
    logsStoragePerGbMonth: 0.03,
    customMetricPerMonth: 0.3,
    dashboardPerMonth: 3,
    standardAlarmPerMonth: 0.1,
  },
  xRayTracesPerMillion: 5,
};

export const REGION_PRICES: Readonly<Record<string, RegionPrices>> = {
  'us-east-1': US_EAST_1,
  'eu-west-1': EU_WEST_1,
};

export const DEFAULT_COST_REGION = 'eu-west-1';
