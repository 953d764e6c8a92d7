// Starts DynamoDB Local, prints its port, and waits to be killed: the orphan test's child process.
import { startDynamoDbLocal } from '../../src/local/dynamodb-local';

const local = await startDynamoDbLocal();
process.stdout.write(`${local.port}\n`);
setInterval(() => {}, 60_000);
