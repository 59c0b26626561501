import { ApiVersion } from "@shopify/shopify-api";

/**
 * The one Admin API version Tenon speaks (docs/decisions/001-stack-and-versions.md).
 * shopify.app.toml's [webhooks] api_version and the local Shopify emulator use the same.
 */
export const ADMIN_API_VERSION = ApiVersion.July26;
