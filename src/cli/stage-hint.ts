import { type DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

/**
 * When a stage's tables are missing, which stages do have ai-ops tables here? Turns "table not found"
 * into "found ai-ops-*-local tables: pass --stage local". Undefined when there is nothing to suggest.
 */
export const stageHint = async (client: DynamoDBClient, stage: string): Promise<string | undefined> => {
  let names: string[];
  try {
    names = (await client.send(new ListTablesCommand({ Limit: 100 }))).TableNames ?? [];
  } catch {
    return undefined; // the caller's own error says what failed; no hint is better than a wrong one
  }
  const stages = [
    ...new Set(names.map((n) => /^ai-ops-[a-z]+-(.+)$/.exec(n)?.[1]).filter((s): s is string => !!s)),
  ].filter((s) => s !== stage);
  if (stages.length === 0) return undefined;
  return `no ai-ops-*-${stage} tables here, but found ${stages.map((s) => `ai-ops-*-${s}`).join(', ')}: pass --stage ${stages[0]}`;
};
