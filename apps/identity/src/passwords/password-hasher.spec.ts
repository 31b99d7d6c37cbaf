import { OWASP_MINIMUM_ARGON2ID, PasswordHasher } from './password-hasher';

describe(PasswordHasher.name, () => {
  const cheap = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
  const sut = new PasswordHasher(cheap);

  it('makes salted Argon2id hashes with the given parameters', async () => {
    const first = await sut.hash('correct horse');
    expect(first).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    expect(await sut.hash('correct horse')).not.toBe(first);
  });

  it('verifies the right password only', async () => {
    const hash = await sut.hash('correct horse');
    await expect(sut.verify(hash, 'correct horse')).resolves.toBe(true);
    await expect(sut.verify(hash, 'correct horsE')).resolves.toBe(false);
    await expect(sut.verify('not a hash', 'correct horse')).resolves.toBe(false);
  });

  it('answers false for the dummy hash, whatever the password', async () => {
    await expect(sut.verifyNothing('correct horse')).resolves.toBe(false);
  });

  it('asks for a rehash when the parameters changed', async () => {
    const hash = await sut.hash('correct horse');
    expect(sut.needsRehash(hash)).toBe(false);
    expect(new PasswordHasher({ ...cheap, memoryCost: 2048 }).needsRehash(hash)).toBe(true);
    expect(sut.needsRehash('garbage')).toBe(true);
  });

  it('defaults to the OWASP minimum', async () => {
    expect(OWASP_MINIMUM_ARGON2ID).toEqual({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    await expect(new PasswordHasher().hash('correct horse')).resolves.toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });
});
