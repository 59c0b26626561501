/**
 * A thin typed layer over the Admin GraphQL client of @shopify/shopify-app-remix
 * (`admin.graphql`, which goes through the library's fetch seam and session handling).
 * GraphQL errors come back as a typed failure instead of a `!` chain on `data`.
 */

export interface AdminGraphql {
  graphql(query: string, options?: { variables?: Record<string, unknown> }): Promise<Response>;
}

export type ShopifyResult<T> =
  | { ok: true; data: T }
  | { ok: false; code: "SHOPIFY_GRAPHQL_ERROR" | "SHOPIFY_THROTTLED" | "SHOPIFY_HTTP_ERROR"; message: string };

export async function shopifyQuery<T>(
  admin: AdminGraphql,
  document: string,
  variables?: Record<string, unknown>,
): Promise<ShopifyResult<T>> {
  let response: Response;
  try {
    response = await admin.graphql(document, variables ? { variables } : undefined);
  } catch (error) {
    // The library throws a Response for auth failures and a GraphqlQueryError (with the body's
    // errors) when Shopify answers with GraphQL errors.
    if (error instanceof Response) return { ok: false, code: "SHOPIFY_HTTP_ERROR", message: `HTTP ${error.status}` };
    const graphQLErrors = graphqlErrorsOf(error);
    if (graphQLErrors.length > 0) return graphqlFailure(graphQLErrors);
    return { ok: false, code: "SHOPIFY_HTTP_ERROR", message: (error as Error).message };
  }
  if (!response.ok) return { ok: false, code: "SHOPIFY_HTTP_ERROR", message: `HTTP ${response.status}` };
  const body = (await response.json()) as {
    data?: T;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  if (body.errors?.length) return graphqlFailure(body.errors);
  if (!body.data) return { ok: false, code: "SHOPIFY_GRAPHQL_ERROR", message: "Shopify answered without data." };
  return { ok: true, data: body.data };
}

type GraphqlError = { message: string; extensions?: { code?: string } };

function graphqlFailure(errors: GraphqlError[]): ShopifyResult<never> {
  const throttled = errors.some((e) => e.extensions?.code === "THROTTLED");
  return {
    ok: false,
    code: throttled ? "SHOPIFY_THROTTLED" : "SHOPIFY_GRAPHQL_ERROR",
    message: errors.map((e) => e.message).join("; "),
  };
}

function graphqlErrorsOf(error: unknown): GraphqlError[] {
  const body = (error as { body?: { errors?: unknown } } | null)?.body;
  const errors = body?.errors as { graphQLErrors?: GraphqlError[] } | GraphqlError[] | undefined;
  if (Array.isArray(errors)) return errors;
  return errors?.graphQLErrors ?? [];
}
