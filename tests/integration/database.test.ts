import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/db";

describe("test database", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t.drop());

  it("is migrated and isolated", async () => {
    const account = await t.db.account.create({ data: { name: "Maker" } });
    expect(await t.db.account.count()).toBe(1);
    expect(account.name).toBe("Maker");
  });
});
