// MX answers errors as {"error": {"message": "..."}} with the status code carrying the meaning.
// Messages name the problem and never echo credential values or MFA answers.

export class MxHttpError extends Error {
  override name = 'MxHttpError';
  constructor(
    readonly statusCode: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new MxHttpError(400, message);
export const notFound = (message: string) => new MxHttpError(404, message);
export const conflict = (message: string) => new MxHttpError(409, message);

export function errorBody(message: string): { error: { message: string } } {
  return { error: { message } };
}
