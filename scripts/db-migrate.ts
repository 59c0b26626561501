/** `npm run db:migrate`: applies pending migrations to DATABASE_URL (SQLite by default). */
import { migrateDatabase } from "../app/db/migrate";
import { DEFAULT_DATABASE_URL } from "../app/db/provider";

const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
const applied = await migrateDatabase(url);
console.log(applied.length ? `Applied ${applied.join(", ")}` : "Database is up to date.");
