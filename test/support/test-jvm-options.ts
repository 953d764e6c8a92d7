/**
 * JVM options for the DynamoDB Local instances the tests start. A test run is minutes of small requests
 * on a 2-core machine: C1 alone compiles DynamoDB Local's hot paths sooner (and starts Java faster)
 * without taking CPU from the tests for C2, and the serial collector runs no GC threads beside them.
 * Measured with 300 sequential PutItem on a busy machine: 6-9 ms each instead of 8-17 ms.
 * The local runtime keeps Java's defaults: it runs for hours, where C2 pays off.
 */
export const TEST_JVM_OPTIONS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'] as const;
