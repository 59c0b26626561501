-- AlterTable
ALTER TABLE "Store" ADD COLUMN     "settingsAppliedAt" TIMESTAMP(3),
ADD COLUMN     "settingsDraft" JSONB,
ADD COLUMN     "settingsVersion" INTEGER NOT NULL DEFAULT 1;

