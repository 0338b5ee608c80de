// @ts-check
// The bare route the gateway is compared with: plain Fastify doing the same two queries as
// GET /v1/me, with no Nest, authentication, rate limiting or audit in front.
'use strict';
const Fastify = require('fastify');
const { createPrismaClient } = require('../../libs/database/dist');

const [, , port, userId, tenantId] = process.argv;
const prisma = createPrismaClient(/** @type {string} */ (process.env.DATABASE_URL));
const app = Fastify();
app.get('/me', async () => {
  const [organization, user] = await Promise.all([
    prisma.organization.findUnique({ where: { id: tenantId } }),
    prisma.user.findFirst({ where: { id: userId, organizationId: tenantId } }),
  ]);
  return { user: { id: user?.id, email: user?.email, role: user?.role }, organization: { id: organization?.id, name: organization?.name }, role: user?.role };
});
app.listen({ port: Number(port), host: '127.0.0.1' }).then(() => process.send?.('ready'));
process.on('SIGTERM', async () => {
  await app.close();
  await prisma.$disconnect();
  process.exit(0);
});
