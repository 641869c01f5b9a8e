// A real S3-protocol server for the tests, in its own process: s3rver's pagination needs
// Node's --openssl-legacy-provider, which the test process itself should not run with.
import S3rver from 's3rver';

const [directory, bucket] = process.argv.slice(2);
const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, configureBuckets: [{ name: bucket }] });
const { port } = await server.run();
process.stdout.write(`PORT ${port}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
