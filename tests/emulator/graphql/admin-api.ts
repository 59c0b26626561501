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
import { simpleCostCalculator, type CostCalculator, type ThrottleBucket } from "./cost";
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

export function executeAdminGraphql(params: {
  request: GraphqlRequestBody;
  context: AdminContext;
  bucket: ThrottleBucket;
  costCalculator?: CostCalculator;
}): GraphqlResponse {
  const { request, context, bucket, costCalculator = simpleCostCalculator } = params;
  const schema = adminSchema();

  if (typeof request.query !== "string" || request.query.trim() === "") {
    return { status: 400, body: { errors: { query: "Required parameter missing or invalid" } } };
  }
  const variables =
    request.variables && typeof request.variables === "object" ? (request.variables as Record<string, unknown>) : {};
  const operationName = typeof request.operationName === "string" ? request.operationName : undefined;

  let document: DocumentNode;
  try {
    document = parse(request.query);
  } catch (error) {
    if (error instanceof GraphQLError) return { status: 200, body: { errors: [shopifyValidationError(error)] } };
    throw error;
  }
  const validationErrors = validate(schema, document);
  if (validationErrors.length > 0) {
    return { status: 200, body: { errors: validationErrors.map(shopifyValidationError) } };
  }
  const operation = getOperationAST(document, operationName);
  if (!operation) {
    const message = operationName ? `No operation named "${operationName}"` : "An operation name is required when sending multiple operations.";
    return { status: 200, body: { errors: [{ message, extensions: { code: "BAD_REQUEST" } }] } };
  }

  const requestedQueryCost = costCalculator.requestedCost({ schema, document, operation, variables });
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

  // Actual cost = requested cost until the cost calculator learns to count returned objects.
  const throttleStatus = bucket.spend(requestedQueryCost, context.now);
  const body: Record<string, unknown> = {};
  if (result.errors?.length) body.errors = result.errors.map((e) => e.toJSON());
  if ("data" in result) body.data = result.data;
  body.extensions = { cost: { requestedQueryCost, actualQueryCost: requestedQueryCost, throttleStatus } };
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
