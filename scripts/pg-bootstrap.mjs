// Prints idempotent SQL (for psql as the local superuser) that creates the role and database named
// in DATABASE_URL. Used only for a local server that the set-up scripts administer.
const url = new URL(process.env.DATABASE_URL);
const user = decodeURIComponent(url.username);
const password = decodeURIComponent(url.password);
const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
if (!user || !database) {
  console.error('sluice: DATABASE_URL must name a user and a database');
  process.exit(1);
}
const ident = (s) => `"${s.replaceAll('"', '""')}"`;
const literal = (s) => `'${s.replaceAll("'", "''")}'`;
process.stdout.write(`
SELECT 'CREATE ROLE ${ident(user).replaceAll("'", "''")} LOGIN CREATEDB'
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${literal(user)}) \\gexec
${password ? `ALTER ROLE ${ident(user)} WITH LOGIN CREATEDB PASSWORD ${literal(password)};` : ''}
SELECT 'CREATE DATABASE ${ident(database).replaceAll("'", "''")} OWNER ${ident(user).replaceAll("'", "''")}'
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = ${literal(database)}) \\gexec
`);
