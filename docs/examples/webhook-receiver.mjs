// A webhook receiver for jiebang (docs/webhooks.md), with nothing but Node's standard library.
//
//   WEBHOOK_SECRET=<the secret POST /api/v1/webhooks returned> PORT=8080 node docs/examples/webhook-receiver.mjs
//
// It checks the signature over the RAW body (before any JSON parsing), in constant time, and
// answers 401 when it does not match. It answers 2xx only once the event is safely handled:
// jiebang retries anything else. Deliveries come at least once, so it keeps the delivery ids
// it has handled and acknowledges a repeat without handling it again (a real receiver keeps
// them in its database, in the same transaction as its own effect).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const secret = process.env.WEBHOOK_SECRET;
if (!secret) {
  console.error('WEBHOOK_SECRET is not set / 未设置 WEBHOOK_SECRET');
  process.exit(1);
}
const handled = new Set();

function validSignature(rawBody, header) {
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`);
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    if (req.method !== 'POST' || !validSignature(raw, req.headers['x-jiebang-signature'])) {
      console.log(`rejected ${req.headers['x-jiebang-delivery'] ?? '-'}`);
      res.writeHead(401).end();
      return;
    }
    const event = JSON.parse(raw.toString('utf8'));
    if (handled.has(event.deliveryId)) {
      console.log(`repeat ${event.deliveryId}`);
    } else {
      // Handle the event here: event.challengeId, event.seq, event.type, event.stage, event.state.
      handled.add(event.deliveryId);
      console.log(`verified ${event.deliveryId} ${event.challengeId} ${event.seq} ${event.type}`);
    }
    res.writeHead(204).end();
  });
});

server.listen(Number(process.env.PORT ?? 8080), process.env.HOST ?? '127.0.0.1', () => {
  console.log(`listening on ${server.address().port}`);
});
