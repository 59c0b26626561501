import { prepareTemplate } from "../support/db";

// Migrates one template database per run; every test file copies it (tests/support/db.ts).
export default async function setup() {
  return prepareTemplate();
}
