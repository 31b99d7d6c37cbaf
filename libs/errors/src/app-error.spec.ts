import { AppError } from './app-error';
import { problemDetails } from './problem-details';

describe(AppError.name, () => {
  it('travels as a payload and comes back the same', () => {
    const sut = new AppError('VALIDATION.FAILED', 'Invalid id', [{ field: 'id', message: 'expected a UUID' }]);
    const back = AppError.fromPayload(JSON.parse(JSON.stringify(sut.toPayload())));
    expect(back).toBeInstanceOf(AppError);
    expect(back?.toPayload()).toEqual(sut.toPayload());
    expect(back?.status).toBe(400);
  });

  it('does not trust unknown codes', () => {
    expect(AppError.fromPayload({ code: 'SOMETHING.ELSE', message: 'x' })).toBeUndefined();
    expect(AppError.fromPayload('boom')).toBeUndefined();
    expect(AppError.fromPayload(null)).toBeUndefined();
  });
});

describe(problemDetails.name, () => {
  it('builds RFC 9457 problem details with the code and its status', () => {
    expect(problemDetails({ code: 'CATALOG.PRODUCT_NOT_FOUND', detail: 'No product', correlationId: 'c-1' })).toEqual({
      type: 'https://shopmesh.dev/problems/catalog-product-not-found',
      title: 'Not Found',
      status: 404,
      detail: 'No product',
      code: 'CATALOG.PRODUCT_NOT_FOUND',
      correlationId: 'c-1',
    });
  });
});
