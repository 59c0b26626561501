import { prepareTemplate } from "../support/db";

export default async function setup() {
  await prepareTemplate();
}
