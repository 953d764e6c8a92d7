// Starts DynamoDB Local, prints its port, and waits to be killed: the orphan test's child process.
import { startDynamoDbLocal } from '../../src/local/dynamodb-local';
import { TEST_JVM_OPTIONS } from './test-jvm-options';

const local = await startDynamoDbLocal({ jvmOptions: TEST_JVM_OPTIONS, timeoutMs: 50_000 });
process.stdout.write(`${local.port}\n`);
setInterval(() => {}, 60_000);
