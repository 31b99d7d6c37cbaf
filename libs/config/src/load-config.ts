import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';

/** Thrown when the environment does not satisfy a service's schema. One line, names every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads `.env` from the working directory if present (never overriding variables already set),
 * so `nest start <app>` works after `cp .env.example .env`.
 */
export function loadDotEnv(file = resolve(process.cwd(), '.env')): void {
  for (const [name, value] of Object.entries(readEnvFile(file))) process.env[name] ??= value;
}

/** The variables of a dotenv file (`{}` if it does not exist): the one `.env` reader of apps, tools and tests. */
export function readEnvFile(file: string): Record<string, string> {
  return existsSync(file) ? (parseEnv(readFileSync(file, 'utf8')) as Record<string, string>) : {};
}

/**
 * Validates and converts the environment into a typed, frozen config object.
 * @throws ConfigError with one line naming each bad variable and what was expected.
 */
export function loadConfig<S extends z.ZodRawShape>(
  shape: S,
  source: Record<string, string | undefined> = process.env,
): Readonly<z.infer<z.ZodObject<S>>> {
  const result = z.object(shape).safeParse(source);
  if (result.success) return Object.freeze(result.data);
  const problems = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '?');
    const raw = source[name];
    const got = raw === undefined ? 'it is not set' : `got ${JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}…` : raw)}`;
    return `${name}: ${issue.message}, ${got}`;
  });
  throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
}

/** Inferred config type of a shape. */
export type ConfigOf<S extends z.ZodRawShape> = Readonly<z.infer<z.ZodObject<S>>>;
