/**
 * The layering of docs/architecture.md, enforced in CI as an allow-list: every import must match one of
 * the `allowed` rules below (what each layer may import), and the `forbidden` rules name the mistakes
 * worth a message of their own. domain, rules and use-cases stay free of AWS, so the same flows run in
 * Lambda, in the local runtime and in unit tests with in-memory ports. test/infra/dependency-rule.test.ts
 * writes violating files into a temporary copy and expects this check to fail on each.
 */
const pure = '^src/(domain|rules|use-cases)/';
const npm = (names) => `(^|/)node_modules/(${names.join('|')})/`;
const awsSdk = '@aws-sdk/[^/]+';
const lambdaTypes = '@types/aws-lambda';

/** One allowed rule per (layer, what it may import). */
const layer = (name, from, toPaths, extra = {}) => ({
  from: { path: from },
  to: { path: toPaths, ...extra },
  comment: name,
});

module.exports = {
  allowedSeverity: 'error',
  allowed: [
    // The domain: types, ports, errors, ids. Nothing of the codebase but itself.
    layer('domain', '^src/domain/', ['^src/domain/', npm(['zod', 'uuid'])]),
    // The rules read domain types only.
    layer('rules', '^src/rules/', ['^src/(domain|rules)/', npm(['zod'])]),
    // Use cases see ports (domain) and the rules, never adapters, HTTP, config or AWS.
    layer('use-cases', '^src/use-cases/', ['^src/(domain|rules|use-cases)/', npm(['zod'])]),
    // Config parses the environment; it depends on nothing of the codebase.
    layer('config', '^src/config\\.ts$', [npm(['zod'])]),
    // Observability: Powertools and middy; flow-hooks names the outcomes it observes (types).
    layer('observability', '^src/observability/', [
      '^src/(domain|observability)/',
      npm(['@aws-lambda-powertools/(logger|metrics|tracer|commons)', '@middy/core']),
    ]),
    layer('observability hooks', '^src/observability/flow-hooks\\.ts$', ['^src/(streams|use-cases)/']),
    // HTTP: the driving adapter of API Gateway events (request parsing, responses, error mapping).
    layer('http', '^src/http/', ['^src/(domain|http|observability)/', npm([lambdaTypes])]),
    // Driven adapters implement ports with the SDK; they are built from config and traced. @smithy/core:
    // the SDK's own retry strategies (src/adapters/retry-quota.ts).
    layer('adapters', '^src/adapters/', [
      '^src/(domain|adapters|observability)/',
      '^src/config\\.ts$',
      npm([awsSdk, '@smithy/core', '@aws-lambda-powertools/idempotency', lambdaTypes]),
    ]),
    // Streams: the driving adapter of DynamoDB stream events, calling use cases.
    layer('streams', '^src/streams/', [
      '^src/(domain|rules|use-cases|adapters|streams)/',
      npm(['@aws-lambda-powertools/batch', '@aws-sdk/util-dynamodb', lambdaTypes]),
    ]),
    // Handlers wire adapters to a use case through a driving adapter.
    layer('handlers', '^handlers/', [
      '^src/(adapters|domain|http|observability|rules|streams|use-cases)/',
      '^src/config\\.ts$',
      npm(['@middy/core', awsSdk, lambdaTypes]),
    ]),
    // The local runtime runs the handlers; the CLI drives the local runtime. Neither ships to Lambda.
    layer('local', '^src/local/', ['^(src/(?!cli/)|handlers/)', '(^|/)node_modules/']),
    // The CLI also reads its own version from package.json.
    layer('cli', '^src/cli/', ['^(src/|handlers/)', '^package\\.json$', '(^|/)node_modules/']),
    // Node's own modules, for the code that runs on a developer's machine.
    {
      comment: 'node builtins (local, cli)',
      from: { path: '^src/(local|cli)/' },
      to: { dependencyTypes: ['core'] },
    },
  ],
  forbidden: [
    {
      name: 'pure-core-no-aws',
      severity: 'error',
      comment:
        'src/domain, src/rules and src/use-cases must not import the AWS SDK, aws-lambda types or Powertools.',
      from: { path: pure },
      to: {
        path: '(^|/)node_modules/(@aws-sdk|@smithy|aws-lambda|@types/aws-lambda|@aws-lambda-powertools|@middy)/',
      },
    },
    {
      name: 'pure-core-no-adapters',
      severity: 'error',
      comment: 'The core sees ports, never adapters, handlers, HTTP, config, the local runtime or the CLI.',
      from: { path: pure },
      to: { path: '^(src/(adapters|streams|http|observability|local|cli|config\\.ts)|handlers)/?' },
    },
    {
      name: 'domain-and-rules-stand-alone',
      severity: 'error',
      comment: 'domain does not depend on rules or use-cases; rules do not depend on use-cases.',
      from: { path: '^src/(domain|rules)/' },
      to: { path: '^src/use-cases/' },
    },
    {
      name: 'domain-below-rules',
      severity: 'error',
      comment: 'The rules read domain types; the domain knows nothing of the rules.',
      from: { path: '^src/domain/' },
      to: { path: '^src/rules/' },
    },
    {
      name: 'adapters-point-inward',
      severity: 'error',
      comment: 'adapters implement domain ports; they do not call use cases, driving adapters or handlers.',
      from: { path: '^src/adapters/' },
      to: { path: '^(src/(use-cases|streams|http|local|cli)|handlers)/' },
    },
    {
      name: 'lambda-code-never-imports-local-or-cli',
      severity: 'error',
      comment: 'src/local and src/cli are never bundled into a Lambda function.',
      from: { path: '^(handlers|src/(domain|rules|use-cases|adapters|streams|http|observability))/' },
      to: { path: '^src/(local|cli)/' },
    },
    {
      name: 'handlers-never-reach-local-or-cli',
      severity: 'error',
      comment: 'Nothing reachable from a handler (what esbuild bundles) is under src/local or src/cli.',
      from: { path: '^handlers/' },
      to: { path: '^src/(local|cli)/', reachable: true },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
