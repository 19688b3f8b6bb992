export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as { __CUSTODIA_PG__?: { stop(): Promise<void> } }).__CUSTODIA_PG__;
  await server?.stop();
}
