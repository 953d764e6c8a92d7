#!/usr/bin/env node
// The `ai-ops` command of a checkout: runs the TypeScript CLI through tsx (a dev dependency), with the
// Node.js that npm puts first on the PATH (node@22, the Lambda runtime's major version).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
