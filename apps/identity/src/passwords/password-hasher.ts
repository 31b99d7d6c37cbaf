import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { hash, parseOptions, verify, type Algorithm } from '@node-rs/argon2';
import { PASSWORD_HASHING_OPTIONS } from '../identity.tokens';

/** Argon2id cost parameters. */
export interface PasswordHashingOptions {
  /** Memory per hash, in KiB. */
  memoryCost: number;
  /** Passes over the memory. */
  timeCost: number;
  parallelism: number;
}

/** OWASP's minimum for Argon2id (Password Storage Cheat Sheet): 19 MiB, 2 passes, 1 lane. */
export const OWASP_MINIMUM_ARGON2ID: PasswordHashingOptions = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

// `Algorithm` is a const enum in the typings and an empty object at runtime: use its value
const ARGON2ID = 2 satisfies Algorithm.Argon2id as Algorithm;

/** Hashes and verifies passwords with Argon2id (PHC strings, salt and parameters inside). */
@Injectable()
export class PasswordHasher {
  /** Verified against when there is no real hash, so that path costs the same. */
  private readonly dummyHash: Promise<string>;

  constructor(
    @Optional() @Inject(PASSWORD_HASHING_OPTIONS) private readonly options: PasswordHashingOptions = OWASP_MINIMUM_ARGON2ID,
  ) {
    this.dummyHash = this.hash(randomBytes(32).toString('base64url'));
    this.dummyHash.catch(() => undefined); // surfaced to whoever awaits it
  }

  hash(password: string): Promise<string> {
    return hash(password, { ...this.options, algorithm: ARGON2ID });
  }

  /** True if `password` matches `passwordHash`; false (never an exception) for a malformed hash. */
  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  }

  /** Spends the time a real verification would, and answers false: for unknown or locked accounts. */
  async verifyNothing(password: string): Promise<false> {
    await this.verify(await this.dummyHash, password);
    return false;
  }

  /** True if the hash was made with other parameters than today's: rehash it at the next login. */
  needsRehash(passwordHash: string): boolean {
    try {
      const used = parseOptions(passwordHash);
      return (
        used.algorithm !== ARGON2ID ||
        used.memoryCost !== this.options.memoryCost ||
        used.timeCost !== this.options.timeCost ||
        used.parallelism !== this.options.parallelism
      );
    } catch {
      return true;
    }
  }
}
