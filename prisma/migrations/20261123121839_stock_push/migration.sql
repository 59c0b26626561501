-- CreateTable
CREATE TABLE "StockPushTarget" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "storeId" TEXT NOT NULL,
    "inventoryItemId" TEXT NOT NULL,
    "shopifyLocationId" TEXT NOT NULL,
    "shopifyVariantId" TEXT,
    "sku" TEXT,
    "variantId" TEXT,
    "locationId" TEXT,
    "wanted" INTEGER,
    "negative" BOOLEAN NOT NULL DEFAULT false,
    "confirmed" INTEGER,
    "confirmedAt" DATETIME,
    "unimported" INTEGER NOT NULL DEFAULT 0,
    "importedBase" DECIMAL NOT NULL DEFAULT 0,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "failureCode" TEXT,
    "failureMessage" TEXT,
    "failedAt" DATETIME,
    "version" INTEGER NOT NULL DEFAULT 0,
    "dirtyAt" DATETIME,
    "pushedAt" DATETIME,
    "observed" INTEGER,
    "observedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "StockPushTarget_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "StockPushTarget_storeId_state_dirtyAt_idx" ON "StockPushTarget"("storeId", "state", "dirtyAt");

-- CreateIndex
CREATE INDEX "StockPushTarget_variantId_locationId_idx" ON "StockPushTarget"("variantId", "locationId");

-- CreateIndex
CREATE UNIQUE INDEX "StockPushTarget_storeId_inventoryItemId_shopifyLocationId_key" ON "StockPushTarget"("storeId", "inventoryItemId", "shopifyLocationId");

