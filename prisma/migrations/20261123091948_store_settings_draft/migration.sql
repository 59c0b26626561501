-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Store" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "accountId" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "connection" TEXT NOT NULL DEFAULT 'connected',
    "scopes" TEXT NOT NULL DEFAULT '',
    "installedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" DATETIME,
    "syncActive" BOOLEAN NOT NULL DEFAULT false,
    "firstActivatedAt" DATETIME,
    "lastActivatedAt" DATETIME,
    "locationsReadAt" DATETIME,
    "settings" JSONB NOT NULL,
    "settingsDraft" JSONB,
    "settingsVersion" INTEGER NOT NULL DEFAULT 1,
    "settingsAppliedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Store_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Store" ("accountId", "connection", "createdAt", "firstActivatedAt", "id", "installedAt", "lastActivatedAt", "locationsReadAt", "name", "scopes", "settings", "shopDomain", "syncActive", "uninstalledAt", "updatedAt") SELECT "accountId", "connection", "createdAt", "firstActivatedAt", "id", "installedAt", "lastActivatedAt", "locationsReadAt", "name", "scopes", "settings", "shopDomain", "syncActive", "uninstalledAt", "updatedAt" FROM "Store";
DROP TABLE "Store";
ALTER TABLE "new_Store" RENAME TO "Store";
CREATE UNIQUE INDEX "Store_shopDomain_key" ON "Store"("shopDomain");
CREATE INDEX "Store_accountId_idx" ON "Store"("accountId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

