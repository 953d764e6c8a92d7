import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { RemediationPlan } from '../src/domain/remediation';
import { logger, observe } from '../src/observability';
import { planRemediation } from '../src/use-cases/plan-remediation';

/** What the state machine passes (Parameters.Payload of each plan task). */
export interface PlanRemediationEvent {
  planType: string;
  alert: unknown;
}

export interface PlanRemediationResult {
  plan: RemediationPlan;
  /**
   * The same plan as a DynamoDB map attribute: the workflow writes it to the alert with the optimized
   * dynamodb:updateItem integration, and JSONPath cannot marshal a nested object into AttributeValues.
   */
  planAttribute: { M: Record<string, AttributeValue> };
}

/** Invoked by the remediation workflow (lambda:invoke); errors fail the task and reach its Catch. */
export const handler = middy(async (event: PlanRemediationEvent): Promise<PlanRemediationResult> => {
  const plan = planRemediation(event);
  logger.info('remediation planned', {
    alertId: plan.alertId,
    stationId: plan.stationId,
    planType: plan.planType,
  });
  return { plan, planAttribute: { M: marshall(plan, { removeUndefinedValues: true }) } };
}).use(observe());
