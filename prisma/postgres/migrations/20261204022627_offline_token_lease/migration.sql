-- CreateTable
CREATE TABLE "OfflineTokenLease" (
    "shop" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OfflineTokenLease_pkey" PRIMARY KEY ("shop")
);

