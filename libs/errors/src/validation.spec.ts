import { ListProductsQuerySchema } from '@shopmesh/contracts';
import { toFieldErrors } from './validation';

describe(toFieldErrors.name, () => {
  it('names each invalid field, including unknown ones', async () => {
    const result = await ListProductsQuerySchema['~standard'].validate({ limit: '0', color: 'red', size: 'L' });
    expect('issues' in result && result.issues).toBeTruthy();
    const sut = toFieldErrors('issues' in result && result.issues ? result.issues : []);
    expect(sut.map((e) => e.field).sort()).toEqual(['color', 'limit', 'size']);
    expect(sut.find((e) => e.field === 'color')?.message).toBe('unknown field');
  });
});
