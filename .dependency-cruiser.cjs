/**
 * The layering of docs/architecture.md, enforced in CI: domain, rules and use-cases stay free of AWS,
 * so the same flows run in Lambda, in the local runtime and in unit tests with in-memory ports.
 */
const pure = '^src/(domain|rules|use-cases)/';
module.exports = {
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
      comment: 'The core sees ports, never adapters, handlers, the local runtime or the CLI.',
      from: { path: pure },
      to: { path: '^(src/(adapters|streams|observability|local|cli)|handlers)/' },
    },
    {
      name: 'domain-and-rules-stand-alone',
      severity: 'error',
      comment: 'domain and rules do not depend on use-cases.',
      from: { path: '^src/(domain|rules)/' },
      to: { path: '^src/use-cases/' },
    },
    {
      name: 'adapters-point-inward',
      severity: 'error',
      comment: 'adapters implement domain ports; they do not call use cases or handlers.',
      from: { path: '^src/adapters/' },
      to: { path: '^(src/(use-cases|local|cli)|handlers)/' },
    },
    {
      name: 'lambda-code-never-imports-local-or-cli',
      severity: 'error',
      comment: 'src/local and src/cli are never bundled into a Lambda function.',
      from: { path: '^(handlers|src/(domain|rules|use-cases|adapters|streams|observability))/' },
      to: { path: '^src/(local|cli)/' },
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
