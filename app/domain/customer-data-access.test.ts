import { describe, expect, it } from "vitest";
import { refusedMessage, withheldFields, withheldFieldsMessage } from "./customer-data-access";

describe("what Shopify withheld, in the merchant's words", () => {
  it("names the kinds of customer data among redacted paths, once each, in a fixed order", () => {
    expect(
      withheldFields(["order.billingAddress.zip", "order.customer.firstName", "order.email", "order.billingAddress.address1", "nodes.0.defaultPhoneNumber", "order.customer.lastName"]),
    ).toEqual(["name", "email", "address"]);
    expect(withheldFields(["order.shippingAddress.phone", "order.somethingElse"])).toEqual(["phone"]);
  });

  it("says what is missing, what Tenon does instead and that nothing needs doing in Tenon", () => {
    expect(withheldFieldsMessage(["name", "address"])).toBe(
      "Shopify does not give Tenon your customers' names and street addresses: the app is not approved for that protected customer data. " +
        'Orders and customers still come in without them; a customer without a name is called by their number in Shopify (such as "Shopify customer 1042"). ' +
        "Nothing needs doing in Tenon: once Shopify approves the app's access, new orders and customer imports bring these details.",
    );
    expect(withheldFieldsMessage(["email"])).toContain("your customers' email addresses:");
    expect(refusedMessage("orders")).toMatch(/^Shopify does not let Tenon read orders at all/);
  });
});
