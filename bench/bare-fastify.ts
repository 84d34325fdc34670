/** The baseline: a bare Fastify route that parses a JSON body and answers JSON, nothing else. */
import Fastify from 'fastify';

const app = Fastify();
app.get('/health', async () => ({ status: 'ok' }));
app.post('/echo/:id', async (request) => ({ id: (request.params as { id: string }).id, received: request.body }));
await app.listen({ port: Number(process.env.PORT), host: process.env.HOST ?? '127.0.0.1' });
