// A webhook receiver for the daemon test, run inside the lab's scanner namespace (where the daemon runs)
// and listening on that namespace's loopback only. Prints `listening <port>`, then one JSON line per
// request: {"headers": …, "body": "…"}. argv[2]: comma-separated statuses to answer in turn (then 200).
import { createServer } from 'node:http';

const answers = (process.argv[2] ?? '').split(',').filter(Boolean).map(Number);
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    process.stdout.write(`${JSON.stringify({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })}\n`);
    res.writeHead(answers.shift() ?? 200).end();
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
