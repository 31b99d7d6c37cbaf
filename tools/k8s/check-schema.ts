import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

/**
 * `tsx tools/k8s/check-schema.ts < objects.yaml`: validates every object against the Kubernetes
 * API schema kubernetes-models carries (Kubernetes 1.36), and refuses kinds it does not know.
 * Prints one JSON line per object (`{ kind, name, error? }`); exits 1 if any is invalid.
 * A separate process because kubernetes-models is ESM-only (import, never require), which Jest's
 * CommonJS runtime cannot load.
 */
interface Validatable {
  validate(): void;
}
type ModelClass = new (data: unknown) => Validatable;

/** `apps/v1` -> kubernetes-models/apps/v1, `v1` (the core group) -> kubernetes-models/v1. */
const modulePath = (apiVersion: string): string => `kubernetes-models/${apiVersion}`;

async function check(object: { apiVersion?: string; kind?: string; metadata?: { name?: string } }): Promise<string | undefined> {
  if (!object.apiVersion || !object.kind) return 'no apiVersion or kind';
  let models: Record<string, unknown>;
  try {
    models = (await import(modulePath(object.apiVersion))) as Record<string, unknown>;
  } catch {
    return `unknown apiVersion ${object.apiVersion}`;
  }
  const Model = models[object.kind] as ModelClass | undefined;
  if (typeof Model !== 'function') return `unknown kind ${object.apiVersion} ${object.kind}`;
  try {
    new Model(object).validate();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

async function main(): Promise<void> {
  const docs = parseAllDocuments(readFileSync(0, 'utf8'));
  let invalid = 0;
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    const object = doc.toJS() as Parameters<typeof check>[0] | null;
    if (object === null) continue;
    const error = await check(object);
    if (error) invalid++;
    process.stdout.write(`${JSON.stringify({ kind: object.kind, name: object.metadata?.name, error })}\n`);
  }
  process.exitCode = invalid > 0 ? 1 : 0;
}

void main();
