import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

/**
 * `tsx tools/k8s/check-schema.ts < objects.yaml`: validates every object against the Kubernetes
 * API schema kubernetes-models carries (Kubernetes 1.36), refuses kinds it does not know, and
 * refuses fields the schema does not define (as the API server's strict field validation does).
 * Prints one JSON line per object (`{ kind, name, error? }`); exits 1 if any is invalid.
 * A separate process because kubernetes-models is ESM-only (import, never require), which Jest's
 * CommonJS runtime cannot load.
 */
interface Validatable {
  validate(): void;
}
type ModelClass = (new (data: unknown) => Validatable) & { prototype: Validatable };

/**
 * The fields of `root` its validator never looked at. The compiled schema reads every property it
 * defines (`data.x !== undefined`) and enumerates maps (labels, resources) with open keys; a field
 * neither read nor enumerated is one the schema does not have.
 */
function unknownFields(root: object, validate: (data: object) => void): string[] {
  const read = new WeakMap<object, Set<PropertyKey>>();
  const enumerated = new WeakSet<object>();
  const wrap = (value: unknown): unknown => {
    if (!value || typeof value !== 'object') return value;
    const keys = read.get(value) ?? new Set<PropertyKey>();
    read.set(value, keys);
    return new Proxy(value, {
      get: (target, key) => (keys.add(key), wrap(Reflect.get(target, key) as unknown)),
      has: (target, key) => (keys.add(key), Reflect.has(target, key)),
      ownKeys: (target) => (enumerated.add(target), Reflect.ownKeys(target)),
    });
  };
  try {
    validate(wrap(root) as object);
  } catch {
    // invalid: reported by the plain validation
  }
  const unknown: string[] = [];
  const walk = (value: unknown, path: string): void => {
    if (!value || typeof value !== 'object') return;
    const keys = read.get(value);
    for (const [key, child] of Object.entries(value)) {
      if (!Array.isArray(value) && !enumerated.has(value) && !keys?.has(key)) unknown.push(`${path}/${key}`);
      else walk(child, `${path}/${key}`);
    }
  };
  walk(root, '');
  return unknown;
}

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
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  const unknown = unknownFields(object, (data) => Model.prototype.validate.call(data));
  return unknown.length > 0 ? `unknown field(s) ${unknown.join(', ')}` : undefined;
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
