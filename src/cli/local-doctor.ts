import { spawnSync } from 'node:child_process';
import type { DoctorCheck } from './doctor';

const check = (name: string, ok: boolean, detail: string): DoctorCheck => ({ name, ok, detail });

/** The Node.js major this project targets (engines, the Lambda runtime nodejs22.x). */
export const NODE_MAJOR = 22;
/** DynamoDB Local needs Java 17 or later. */
export const JAVA_MAJOR = 17;

export const nodeCheck = (version = process.versions.node): DoctorCheck => {
  const major = Number(version.split('.')[0]);
  return major >= NODE_MAJOR
    ? check('node', true, `v${version}`)
    : check(
        'node',
        false,
        `v${version}; needs ${NODE_MAJOR}: run the CLI through npm (npm run ai-ops / npx ai-ops), which puts the node@${NODE_MAJOR} dev dependency first on the PATH`,
      );
};

/** `java -version` prints 'openjdk version "17.0.9"' (or '1.8.0_..' for 8) on stderr. */
export const javaMajorOf = (output: string): number | undefined => {
  const version = /version "([^"]+)"/.exec(output)?.[1];
  if (!version) return undefined;
  const [first, second] = version.split('.').map(Number);
  return first === 1 ? second : first;
};

export const javaCheck = (): DoctorCheck => {
  const run = spawnSync('java', ['-version'], { encoding: 'utf8', timeout: 10_000 });
  if (run.error)
    return check('java', false, `not found (${run.error.message}); DynamoDB Local needs Java ${JAVA_MAJOR}+`);
  const major = javaMajorOf(`${run.stderr}${run.stdout}`);
  if (major === undefined) return check('java', false, `cannot read the version from: ${run.stderr.trim()}`);
  return major >= JAVA_MAJOR
    ? check('java', true, `Java ${major}`)
    : check('java', false, `Java ${major}; DynamoDB Local needs ${JAVA_MAJOR} or later`);
};

/** GET /health of the local runtime: 200 ready once everything is up. */
export const healthCheck = async (apiUrl: string): Promise<DoctorCheck> => {
  try {
    const response = await fetch(`${apiUrl}/health`, { signal: AbortSignal.timeout(5000) });
    const body = await response.text();
    return check('runtime health', response.ok, `GET ${apiUrl}/health: ${response.status} ${body}`);
  } catch (error) {
    return check('runtime health', false, `GET ${apiUrl}/health failed: ${(error as Error).message}`);
  }
};

/** A token from the runtime's issuer, then an authenticated read: the auth path a user takes. */
export const tokenRoundTripCheck = async (apiUrl: string): Promise<DoctorCheck> => {
  try {
    const issued = await fetch(`${apiUrl}/local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sub: 'ai-ops-doctor', scopes: ['alerts/read'] }),
      signal: AbortSignal.timeout(5000),
    });
    if (!issued.ok) return check('token round trip', false, `POST /local/token: ${issued.status}`);
    const { access_token } = (await issued.json()) as { access_token?: string };
    const read = await fetch(`${apiUrl}/alerts?limit=1`, {
      headers: { authorization: `Bearer ${access_token ?? ''}` },
      signal: AbortSignal.timeout(5000),
    });
    return check('token round trip', read.ok, `POST /local/token, then GET /alerts with it: ${read.status}`);
  } catch (error) {
    return check('token round trip', false, (error as Error).message);
  }
};
