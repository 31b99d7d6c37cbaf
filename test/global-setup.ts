/** Placeholder replaced below once the infra launcher lands. */
export default async function globalSetup(): Promise<void> {}
