/**
 * The Admin GraphQL endpoint's request handling: parse → validate against the real schema →
 * execute with the emulator's resolvers → answer in Shopify's response shape, with
 * `extensions.cost`.
 */
import {
  execute,
  getOperationAST,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type GraphQLFormattedError,
} from "graphql";
import { actualQueryCost, MAX_INPUT_ARRAY, MAX_QUERY_COST, oversizedInputArray, shopifyCostCalculator, type CostCalculator, type ThrottleBucket } from "./cost";
import { fieldResolver, type AdminContext } from "./resolvers";
import { adminSchema } from "./schema";

export interface GraphqlRequestBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

export interface GraphqlResponse {
  status: number;
  body: Record<string, unknown>;
}

/**
 * Parsed and validated documents by query text. An app sends the same few documents over and
 * over; like Shopify, the emulator checks each text once (its CPU is not the app's, and the
 * benchmarks run both in one process).
 */
const checkedDocuments = new Map<string, { document: DocumentNode } | { errors: GraphQLFormattedError[] }>();
const CHECKED_DOCUMENTS_KEPT = 500;

function checkedDocument(query: string): { document: DocumentNode } | { errors: GraphQLFormattedError[] } {
  const cached = checkedDocuments.get(query);
  if (cached) return cached;
  let checked: { document: DocumentNode } | { errors: GraphQLFormattedError[] };
  try {
    const document = parse(query);
    const validationErrors = validate(adminSchema(), document);
    checked = validationErrors.length > 0 ? { errors: validationErrors.map(shopifyValidationError) } : { document };
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    checked = { errors: [shopifyValidationError(error)] };
  }
  if (checkedDocuments.size >= CHECKED_DOCUMENTS_KEPT) checkedDocuments.delete(checkedDocuments.keys().next().value!);
  checkedDocuments.set(query, checked);
  return checked;
}

export function executeAdminGraphql(params: {
  request: GraphqlRequestBody;
  context: AdminContext;
  bucket: ThrottleBucket;
  costCalculator?: CostCalculator;
}): GraphqlResponse {
  const { request, context, bucket, costCalculator = shopifyCostCalculator } = params;
  const schema = adminSchema();

  if (typeof request.query !== "string" || request.query.trim() === "") {
    return { status: 400, body: { errors: { query: "Required parameter missing or invalid" } } };
  }
  const variables =
    request.variables && typeof request.variables === "object" ? (request.variables as Record<string, unknown>) : {};
  const operationName = typeof request.operationName === "string" ? request.operationName : undefined;

  const checked = checkedDocument(request.query);
  if ("errors" in checked) return { status: 200, body: { errors: checked.errors } };
  const { document } = checked;
  const operation = getOperationAST(document, operationName);
  if (!operation) {
    const message = operationName ? `No operation named "${operationName}"` : "An operation name is required when sending multiple operations.";
    return { status: 200, body: { errors: [{ message, extensions: { code: "BAD_REQUEST" } }] } };
  }

  const requestedQueryCost = costCalculator.requestedCost({ schema, document, operation, variables });
  const rateLimitDocs = "https://shopify.dev/api/usage/rate-limits";
  if (requestedQueryCost > MAX_QUERY_COST) {
    return {
      status: 200,
      body: {
        errors: [
          {
            message:
              `Query cost is ${requestedQueryCost}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).\n\n` +
              "See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\ncost of a query is calculated.\n\n" +
              "To query larger amounts of data with fewer limits, bulk operations should be used instead.\n" +
              "See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n",
            extensions: { code: "MAX_COST_EXCEEDED", cost: requestedQueryCost, maxCost: MAX_QUERY_COST, documentation: rateLimitDocs },
          },
        ],
        extensions: { cost: { requestedQueryCost, actualQueryCost: null, throttleStatus: bucket.status(context.now) } },
      },
    };
  }
  const oversized = oversizedInputArray(operation, variables);
  if (oversized !== null) {
    return {
      status: 200,
      body: {
        errors: [
          {
            message: `The input array size of ${oversized} is greater than the maximum allowed of ${MAX_INPUT_ARRAY}.`,
            extensions: { code: "MAX_INPUT_SIZE_EXCEEDED" },
          },
        ],
      },
    };
  }
  // Shopify checks the requested cost against the bucket before running anything: a throttled
  // mutation has not happened.
  if (!bucket.admits(requestedQueryCost, context.now)) {
    return {
      status: 200,
      body: {
        errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: rateLimitDocs } }],
        extensions: { cost: { requestedQueryCost, actualQueryCost: null, throttleStatus: bucket.status(context.now) } },
      },
    };
  }
  const result = execute({
    schema,
    document,
    rootValue: {},
    contextValue: context,
    variableValues: variables,
    operationName,
    fieldResolver,
  });
  // Every resolver is synchronous (the state is in memory), so execute answers synchronously.
  if (result instanceof Promise) throw new Error("Admin API resolvers must be synchronous");

  const cost = Math.min(requestedQueryCost, actualQueryCost({ schema, document, operation, variables, data: result.data }));
  const throttleStatus = bucket.spend(cost, context.now);
  const body: Record<string, unknown> = {};
  if (result.errors?.length) body.errors = result.errors.map((e) => e.toJSON());
  if ("data" in result) body.data = result.data;
  body.extensions = { cost: { requestedQueryCost, actualQueryCost: cost, throttleStatus } };
  return { status: 200, body };
}

/**
 * Shopify (graphql-ruby) words the common validation errors differently from graphql-js and adds
 * a code; map the ones apps meet most so error handling written against Shopify works here.
 */
function shopifyValidationError(error: GraphQLError): GraphQLFormattedError {
  const formatted = error.toJSON();
  const rewrite = (message: string, extensions: Record<string, unknown>): GraphQLFormattedError => ({
    message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    extensions,
  });
  let m = /^Cannot query field "(.+?)" on type "(.+?)"\./.exec(error.message);
  if (m) return rewrite(`Field '${m[1]}' doesn't exist on type '${m[2]}'`, { code: "undefinedField", typeName: m[2], fieldName: m[1] });
  m = /^Unknown argument "(.+?)" on field "(.+?)\.(.+?)"\./.exec(error.message);
  if (m) {
    return rewrite(`Field '${m[3]}' doesn't accept argument '${m[1]}'`, {
      code: "argumentNotAccepted",
      name: m[3],
      typeName: "Field",
      argumentName: m[1],
    });
  }
  m = /^Field "(.+?)" argument "(.+?)" of type ".+?" is required, but it was not provided\./.exec(error.message);
  if (m) {
    return rewrite(`Field '${m[1]}' is missing required arguments: ${m[2]}`, {
      code: "missingRequiredArguments",
      className: "Field",
      name: m[1],
      arguments: m[2],
    });
  }
  if (error.message.startsWith("Syntax Error")) return rewrite(error.message, { code: "PARSE_ERROR" });
  return rewrite(error.message, { code: "GRAPHQL_VALIDATION_FAILED" });
}
