import { getOperationAST, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { ADMIN_API_VERSION } from "~/shopify/api-version";
import * as documents from "~/shopify/documents";
import { allDocuments } from "~/shopify/documents";
import { adminSchema } from "../support/admin-schema";
import { connectionMultiplier, MAX_QUERY_COST, shopifyCostCalculator } from "../emulator/graphql/cost";

describe("every GraphQL document Tenon sends", () => {
  it("targets the Admin API version of the stored schema", () => {
    expect(ADMIN_API_VERSION).toBe("2026-07");
  });

  it.each(Object.entries(allDocuments))("%s is valid against the real Admin schema", (_name, document) => {
    const errors = validate(adminSchema(), parse(document));
    expect(errors.map((e) => e.message)).toEqual([]);
  });

  it("lists every exported document in allDocuments", () => {
    const exported = Object.values(documents).filter((v) => typeof v === "string" && v.includes("#graphql"));
    expect(new Set(exported)).toEqual(new Set(Object.values(allDocuments)));
  });

  it("catches a document that drifts from the schema", () => {
    const errors = validate(adminSchema(), parse("query { shop { nameThatDoesNotExist } }"));
    expect(errors).toHaveLength(1);
  });
});

describe("what every GraphQL document Tenon sends costs at Shopify's calibrated prices (docs/decisions/026)", () => {
  const requested = (document: string) => {
    const parsed = parse(document);
    const operation = getOperationAST(parsed);
    if (!operation) throw new Error("no operation");
    return shopifyCostCalculator.requestedCost({ schema: adminSchema(), document: parsed, operation, variables: {} });
  };

  it.each(Object.entries(allDocuments))("%s stays under Shopify's single-query limit", (_name, document) => {
    expect(requested(document)).toBeLessThanOrEqual(MAX_QUERY_COST);
  });

  it("pages through whole collections at Shopify's largest page, which costs the least per item", () => {
    const pages = {
      LOCATION_AVAILABLE_QUERY: documents.LOCATION_AVAILABLE_QUERY,
      CUSTOMERS_PAGE_QUERY: documents.CUSTOMERS_PAGE_QUERY,
      ORDERS_UPDATED_SINCE_QUERY: documents.ORDERS_UPDATED_SINCE_QUERY,
      ORDERS_CREATED_BETWEEN_QUERY: documents.ORDERS_CREATED_BETWEEN_QUERY,
      SHOP_AND_LOCATIONS_QUERY: documents.SHOP_AND_LOCATIONS_QUERY,
    };
    for (const [name, document] of Object.entries(pages)) expect([name, /\(first: (\d+), after: \$after/.exec(document)?.[1]]).toEqual([name, "250"]);
    expect(connectionMultiplier(250) / 250).toBeLessThan(connectionMultiplier(200) / 200);
    expect(requested(documents.LOCATION_AVAILABLE_QUERY)).toBe(36);
  });
});
