/**
 * dynalite and the AWS STS emulator in a process of their own, for benches that must not
 * count the emulators' CPU as the broker's: DynamoDB and STS do not run on a Lambda's core.
 * Prints one JSON line with their URLs, then serves until its stdin closes.
 */
import { startBrokerEmulators } from '../../test/support/in-process-broker.js';

const emulators = await startBrokerEmulators();
process.stdout.write(`${JSON.stringify({ dynamodb: emulators.dynamo.url, sts: emulators.sts.url })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void emulators.stop().then(() => process.exit(0));
});
