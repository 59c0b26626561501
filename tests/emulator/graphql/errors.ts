/**
 * Errors the Admin API emulation raises from resolvers. graphql-js copies an error's
 * `extensions` into the response, so each carries a Shopify-style `code`.
 */
export class AdminApiError extends Error {
  readonly extensions: Record<string, unknown>;
  constructor(message: string, code: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.name = "AdminApiError";
    this.extensions = { code, ...extra };
  }
}

/** A field, argument or filter the emulator does not model: loud, never a silent null. */
export class NotImplementedError extends AdminApiError {
  constructor(what: string, hint?: string) {
    super(`${what} is not implemented by the Tenon Shopify emulator${hint ? ` (${hint})` : ""}`, "NOT_IMPLEMENTED_IN_EMULATOR");
    this.name = "NotImplementedError";
  }
}

export const fieldNotImplemented = (typeName: string, fieldName: string) =>
  new NotImplementedError(`Field '${typeName}.${fieldName}'`);
