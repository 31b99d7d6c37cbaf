export { AppError } from './app-error';
export { ErrorFilter } from './error.filter';
export { problemDetails, type ProblemDetails } from './problem-details';
export { createValidationPipe, toFieldErrors } from './validation';
