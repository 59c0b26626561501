-- CreateTable
CREATE TABLE "StockPushTarget" (
    "id" TEXT NOT NULL,
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
    "confirmedAt" TIMESTAMP(3),
    "unimported" INTEGER NOT NULL DEFAULT 0,
    "importedBase" DECIMAL(65,30) NOT NULL DEFAULT 0,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "failureCode" TEXT,
    "failureMessage" TEXT,
    "failedAt" TIMESTAMP(3),
    "version" INTEGER NOT NULL DEFAULT 0,
    "dirtyAt" TIMESTAMP(3),
    "pushedAt" TIMESTAMP(3),
    "observed" INTEGER,
    "observedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StockPushTarget_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "StockPushTarget_storeId_state_dirtyAt_idx" ON "StockPushTarget"("storeId", "state", "dirtyAt");

-- CreateIndex
CREATE INDEX "StockPushTarget_variantId_locationId_idx" ON "StockPushTarget"("variantId", "locationId");

-- CreateIndex
CREATE UNIQUE INDEX "StockPushTarget_storeId_inventoryItemId_shopifyLocationId_key" ON "StockPushTarget"("storeId", "inventoryItemId", "shopifyLocationId");

-- AddForeignKey
ALTER TABLE "StockPushTarget" ADD CONSTRAINT "StockPushTarget_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

