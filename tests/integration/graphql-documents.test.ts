import { parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { ADMIN_API_VERSION } from "~/shopify/api-version";
import * as documents from "~/shopify/documents";
import { allDocuments } from "~/shopify/documents";
import { adminSchema } from "../support/admin-schema";

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
